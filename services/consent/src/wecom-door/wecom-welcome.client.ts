import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { readWecomCredentials, type WecomCredentials } from './wecom-credentials';

const CALL_TIMEOUT_MS = 5000;
/** Token errors after which one fresh token is worth one more try. */
const TOKEN_ERRCODES = new Set([40014, 42001]);

/**
 * The one WeCom API call the door makes: the welcome message (发送新客户欢迎语,
 * `POST /cgi-bin/externalcontact/send_welcome_msg` with the event's one-time `welcome_code`, usable
 * within 20 s of the add event, once). Answers whether WeCom took it; never throws.
 */
@Injectable()
export class WecomWelcomeClient {
  private readonly logger = new Logger('wecom-door');
  readonly credentials: WecomCredentials | undefined;
  private token: { value: string; until: number } | null = null;

  constructor(@Inject(CONSENT_OPTIONS) options: ConsentModuleOptions) {
    this.credentials = readWecomCredentials(options.env);
  }

  async sendWelcome(welcomeCode: string, text: string): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.accessToken();
      if (!token) return false;
      const body = await this.call(
        `/cgi-bin/externalcontact/send_welcome_msg?access_token=${encodeURIComponent(token)}`,
        { welcome_code: welcomeCode, text: { content: text } },
      );
      if (body?.errcode === 0) return true;
      if (TOKEN_ERRCODES.has(Number(body?.errcode))) {
        this.token = null;
        continue;
      }
      // No customer data in the line: the errcode only (e.g. 41051: another app welcomed first).
      this.logger.warn(`WeCom welcome message not sent: errcode ${String(body?.errcode ?? 'unreachable')}`);
      return false;
    }
    return false;
  }

  private async accessToken(): Promise<string | null> {
    const c = this.credentials;
    if (!c) return null;
    if (this.token && this.token.until > Date.now()) return this.token.value;
    const q = new URLSearchParams({ corpid: c.corpId, corpsecret: c.secret });
    const body = await this.call(`/cgi-bin/gettoken?${q.toString()}`);
    if (body?.errcode !== 0 || typeof body.access_token !== 'string') {
      this.logger.warn(`WeCom gettoken failed: errcode ${String(body?.errcode ?? 'unreachable')}`);
      return null;
    }
    const ttl = Number(body.expires_in ?? 7200);
    this.token = { value: body.access_token, until: Date.now() + Math.max(60, ttl - 300) * 1000 };
    return this.token.value;
  }

  private async call(path: string, json?: unknown): Promise<Record<string, unknown> | null> {
    try {
      const res = await fetch(`${this.credentials!.apiBase}${path}`, {
        method: json === undefined ? 'GET' : 'POST',
        headers: json === undefined ? undefined : { 'Content-Type': 'application/json' },
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      return (await res.json()) as Record<string, unknown>;
    } catch {
      return null;
    }
  }
}
