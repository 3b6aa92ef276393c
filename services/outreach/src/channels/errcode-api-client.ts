import { Logger } from '@nestjs/common';
import type { ApiRateLimiter } from './api-rate-limiter';

export type ErrcodeApiResult =
  | { kind: 'ok'; data: Record<string, any> }
  /** The platform answered an error: nothing was done (after retries for transient codes). */
  | { kind: 'error'; errcode: number; errmsg: string }
  /** No answer (timeout, connection reset): the platform may have acted. */
  | { kind: 'no_answer'; errorCode: 'TIMEOUT' | 'NETWORK' };

export interface ErrcodeApiClientOptions {
  name: 'WeCom' | 'WeChat';
  baseUrl: string;
  /** GET the access token path (with credentials in its query): `{ access_token, expires_in }`. */
  tokenPath: () => string;
  limiter: ApiRateLimiter;
  timeoutMs: number;
  /** Errcodes that mean "busy / over the frequency limit, nothing done": retried with backoff. */
  transientErrcodes: ReadonlySet<number>;
  /** Errcodes that mean the token is stale: fetch a new one and call once more. */
  tokenErrcodes: ReadonlySet<number>;
  maxRetries: number;
  backoffMs: number;
}

/**
 * WeChat-family JSON APIs (WeCom, WeChat official accounts): an access token from the secret,
 * `errcode` 0 for success. Rate-limited before every call; only transient errcodes are retried;
 * a call without an answer is retried only when the caller says it is safe (a read), never for a
 * write that may have happened. Logs name the path and errcode, never the body (it carries
 * external user ids and openids, which are personal data — R1).
 */
export class ErrcodeApiClient {
  private readonly logger: Logger;
  private token?: { value: string; until: number };

  constructor(private readonly o: ErrcodeApiClientOptions) {
    this.logger = new Logger(`${o.name}Api`);
  }

  async call(path: string, body: unknown, opts: { retryWithoutAnswer: boolean }): Promise<ErrcodeApiResult> {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      if (token.kind !== 'ok') return token;
      const res = await this.request(
        `${path}?access_token=${encodeURIComponent(token.data.access_token)}`,
        body,
      );
      const retry = attempt < this.o.maxRetries;
      if (res.kind === 'ok') return res;
      if (res.kind === 'no_answer') {
        if (opts.retryWithoutAnswer && retry) {
          await this.backoff(attempt);
          continue;
        }
        this.logger.warn(`${path} got no answer (${res.errorCode})`);
        return res;
      }
      if (this.o.tokenErrcodes.has(res.errcode) && !refreshed) {
        refreshed = true;
        this.token = undefined;
        continue;
      }
      if (this.o.transientErrcodes.has(res.errcode) && retry) {
        this.logger.warn(`${path} errcode ${res.errcode}: retry ${attempt + 1}/${this.o.maxRetries}`);
        await this.backoff(attempt);
        continue;
      }
      this.logger.warn(`${path} errcode ${res.errcode}`);
      return res;
    }
  }

  private async accessToken(): Promise<ErrcodeApiResult> {
    if (this.token && this.token.until > Date.now())
      return { kind: 'ok', data: { access_token: this.token.value } };
    for (let attempt = 0; ; attempt++) {
      const res = await this.request(this.o.tokenPath(), undefined);
      if (res.kind === 'ok' && typeof res.data.access_token === 'string') {
        // Renew five minutes early: a token used across its expiry answers 42001 mid-run.
        const ttl = Math.max(60, Number(res.data.expires_in ?? 7200) - 300);
        this.token = { value: res.data.access_token, until: Date.now() + ttl * 1000 };
        return { kind: 'ok', data: { access_token: res.data.access_token } };
      }
      const transient =
        res.kind === 'no_answer' || (res.kind === 'error' && this.o.transientErrcodes.has(res.errcode));
      if (transient && attempt < this.o.maxRetries) {
        await this.backoff(attempt);
        continue;
      }
      this.logger.warn(`token request failed (${res.kind === 'error' ? res.errcode : res.kind})`);
      return res.kind === 'ok'
        ? { kind: 'error', errcode: -2, errmsg: 'no access_token in the answer' }
        : res;
    }
  }

  private async request(pathAndQuery: string, body: unknown): Promise<ErrcodeApiResult> {
    await this.o.limiter.take();
    let text: string;
    try {
      const res = await fetch(`${this.o.baseUrl}${pathAndQuery}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      const name = (e as Error).name;
      return {
        kind: 'no_answer',
        errorCode: name === 'TimeoutError' || name === 'AbortError' ? 'TIMEOUT' : 'NETWORK',
      };
    }
    let data: Record<string, any>;
    try {
      // WeChat's msgid is a 64-bit integer written as a JSON number: kept as its digits, since a
      // JS number would round it and the later send-result event (MsgID) would match nothing.
      data = JSON.parse(text.replace(/"msgid"\s*:\s*(\d{16,})/g, '"msgid":"$1"'));
    } catch {
      return { kind: 'error', errcode: -3, errmsg: 'the answer is not JSON' };
    }
    const errcode = Number(data.errcode ?? 0);
    return errcode === 0
      ? { kind: 'ok', data }
      : { kind: 'error', errcode, errmsg: String(data.errmsg ?? '') };
  }

  private backoff(attempt: number): Promise<void> {
    return new Promise((r) => setTimeout(r, this.o.backoffMs * 2 ** attempt));
  }
}
