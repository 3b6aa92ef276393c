import type { AddressInfo } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { AUDIT_CHAINS, type AuditChain } from './audit-chains';
import type { AuditChainResult, AuditChainsResponse } from './audit-chains.response';

/** What a service's verifier answers: orders'/each service's audit verdict, or consent's ledger verdict. */
interface ServiceVerdict {
  intact: boolean;
  entries: number;
  brokenSeq?: string | number;
  truncatedAfterSeq?: number;
  problems?: string[];
}

const TIMEOUT_MS = 60_000;

/**
 * R20: one verification over every chain. Each service verifies its own chain with its own database
 * role (privacy never reads another service's tables); privacy asks each verifier over HTTP with the
 * officer's own credentials, so a service answers only what that officer may see. In the standalone
 * app every service is in this process, so the default address is this process's own port;
 * `auditVerifyBaseUrls` names each service's address when they run apart.
 */
@Injectable()
export class VerifyAuditChains {
  constructor(
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    private readonly http: HttpAdapterHost,
  ) {}

  async execute(authorization: string): Promise<AuditChainsResponse> {
    const checkedAt = new Date().toISOString();
    const chains = await Promise.all(AUDIT_CHAINS.map((c) => this.verify(c, authorization)));
    return { intact: chains.every((c) => c.state === 'intact'), checkedAt, chains };
  }

  private async verify(chain: AuditChain, authorization: string): Promise<AuditChainResult> {
    const base = this.options.auditVerifyBaseUrls?.[chain.service] ?? this.ownAddress();
    const named = { chain: chain.chain, service: chain.service };
    if (!base)
      return { ...named, state: 'unreachable', problems: ['privacy has no address for this verifier'] };
    let response: Response;
    try {
      response = await fetch(`${base}${chain.path}`, {
        headers: { authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      const why = (err as Error).name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000} s` : 'refused';
      return { ...named, state: 'unreachable', problems: [`GET ${chain.path} at ${base}: ${why}`] };
    }
    if (!response.ok)
      return {
        ...named,
        state: 'unreachable',
        problems: [`GET ${chain.path} at ${base} answered HTTP ${response.status}`],
      };
    const v = (await response.json()) as ServiceVerdict;
    const result: AuditChainResult = {
      ...named,
      state: v.intact ? 'intact' : 'broken',
      entries: v.entries,
      problems: v.problems ?? [],
    };
    if (v.brokenSeq !== undefined && v.brokenSeq !== null) result.brokenSeq = String(v.brokenSeq);
    if (typeof v.truncatedAfterSeq === 'number') result.truncatedAfterSeq = v.truncatedAfterSeq;
    if (!v.intact && result.problems.length === 0 && result.brokenSeq)
      result.problems = [`entry seq ${result.brokenSeq} does not follow from its content and predecessor`];
    return result;
  }

  /** This process's listening address: the standalone app serves every service on it. */
  private ownAddress(): string | undefined {
    const server = this.http.httpAdapter?.getHttpServer?.();
    const address = server?.address?.() as AddressInfo | string | null | undefined;
    if (!address || typeof address === 'string') return undefined;
    return `http://127.0.0.1:${address.port}`;
  }
}
