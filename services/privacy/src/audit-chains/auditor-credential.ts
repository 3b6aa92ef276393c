import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { ownAddress } from './own-address';

const TIMEOUT_MS = 30_000;
/** A token is traded in again this long before it expires. */
const RENEW_BEFORE_MS = 60_000;

/**
 * R20: privacy's machine credential for the scheduled verification. Not a person's token: an API key
 * of role `auditor` (created by an admin, `PRIVACY_AUDITOR_API_KEY`) traded at identity for a
 * short-lived token, like every machine caller. The verifiers admit that role and no other route does.
 */
@Injectable()
export class AuditorCredential {
  private cached?: { authorization: string; expiresAt: number };

  constructor(
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    private readonly http: HttpAdapterHost,
  ) {}

  get configured(): boolean {
    return Boolean(this.options.env?.PRIVACY_AUDITOR_API_KEY?.trim());
  }

  /** The bearer header to send, or why there is none (one sentence, no secret in it). */
  async authorization(now: number = Date.now()): Promise<{ authorization: string } | { problem: string }> {
    if (this.cached && this.cached.expiresAt - now > RENEW_BEFORE_MS)
      return { authorization: this.cached.authorization };
    const apiKey = this.options.env?.PRIVACY_AUDITOR_API_KEY?.trim();
    if (!apiKey)
      return { problem: 'PRIVACY_AUDITOR_API_KEY is not set: no machine credential to verify with' };
    const base = this.options.env?.PRIVACY_IDENTITY_URL?.replace(/\/$/, '') ?? ownAddress(this.http);
    if (!base) return { problem: 'privacy has no address for identity (PRIVACY_IDENTITY_URL)' };
    let response: Response;
    try {
      response = await fetch(`${base}/api/v1/identity/tokens`, {
        method: 'POST',
        headers: { 'x-api-key': apiKey, accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      return { problem: `identity at ${base} did not answer the machine token exchange` };
    }
    if (!response.ok)
      return {
        problem: `identity refused the auditor API key (HTTP ${response.status}): revoked or unknown`,
      };
    const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: string };
    this.cached = { authorization: `Bearer ${token}`, expiresAt: Date.parse(expiresAt) };
    return { authorization: this.cached.authorization };
  }
}
