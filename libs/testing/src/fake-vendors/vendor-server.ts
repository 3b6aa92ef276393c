import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A plain HTTP server on 127.0.0.1 (ephemeral port) for the fake vendors. It can hold a request
 * open past the client's timeout (a vendor that accepted a message but whose answer never arrived),
 * and closing it drops every held or idle connection so a test never waits for them.
 */
export class VendorHttpServer {
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<ServerResponse>();

  private constructor(private readonly server: Server) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(
    handle: (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void> | void,
  ): Promise<VendorHttpServer> {
    const server = createServer((req, res) => {
      arrivals.set(req, new Date());
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        Promise.resolve(handle(req, Buffer.concat(chunks), res)).catch((e: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ fakeServerError: String(e) }));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new VendorHttpServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Never answer this request (until close): the client's read timeout fires. */
  hold(res: ServerResponse): void {
    this.held.add(res);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.held.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const arrivals = new WeakMap<IncomingMessage, Date>();

/**
 * When the request's headers reached the fake (before its body was read and its signature checked):
 * the closest a fake comes to "the vendor received it", for oracles that time dispatches.
 */
export function requestArrivedAt(req: IncomingMessage): Date {
  return arrivals.get(req) ?? new Date();
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Wall-clock time in Beijing (UTC+8) as `yyyy-MM-dd HH:mm:ss`, as Chinese vendors print times. */
export function beijingTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

/** The Beijing calendar date as `yyyyMMdd`. */
export function beijingDate(d: Date): string {
  return beijingTime(d).slice(0, 10).replace(/-/g, '');
}
