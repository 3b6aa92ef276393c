import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * WeChat's web OAuth on a real port (127.0.0.1): `/connect/oauth2/authorize` redirects back with a
 * one-time code for whoever `signInAs` named, and `/sns/oauth2/access_token` trades it for that openid.
 */
export class FakeWechatOAuth {
  private server?: Server;
  private readonly codes = new Map<string, string>();
  private currentOpenid?: string;
  /** Every access_token call, for assertions. */
  readonly exchanges: { appid: string | null; secret: string | null; code: string | null }[] = [];
  baseUrl = '';

  constructor(private readonly app: { appId: string; appSecret: string }) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The WeChat user who will be "logged in" when the authorize page is next opened. */
  signInAs(openid: string): void {
    this.currentOpenid = openid;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname === '/connect/oauth2/authorize') return this.authorize(url, res);
    if (url.pathname === '/sns/oauth2/access_token') return this.accessToken(url, res);
    res.writeHead(404).end();
  }

  private authorize(url: URL, res: ServerResponse): void {
    const redirect = url.searchParams.get('redirect_uri');
    if (url.searchParams.get('appid') !== this.app.appId || !redirect || !this.currentOpenid) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad authorize request');
      return;
    }
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, this.currentOpenid);
    const back = new URL(redirect);
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    res.writeHead(302, { Location: back.toString() }).end();
  }

  private accessToken(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const code = q.get('code');
    this.exchanges.push({ appid: q.get('appid'), secret: q.get('secret'), code });
    const openid = code ? this.codes.get(code) : undefined;
    const json = (body: unknown): void => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (q.get('appid') !== this.app.appId || q.get('secret') !== this.app.appSecret)
      return json({ errcode: 40125, errmsg: 'invalid appsecret' });
    if (q.get('grant_type') !== 'authorization_code' || !code || !openid)
      return json({ errcode: 40029, errmsg: 'invalid code' });
    // A code works once, as on WeChat.
    this.codes.delete(code);
    json({
      access_token: randomBytes(24).toString('hex'),
      expires_in: 7200,
      refresh_token: randomBytes(24).toString('hex'),
      openid,
      scope: 'snsapi_base',
    });
  }
}
