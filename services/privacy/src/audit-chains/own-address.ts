import type { AddressInfo } from 'node:net';
import type { HttpAdapterHost } from '@nestjs/core';

/** This process's listening address: the standalone app serves every service on it. */
export function ownAddress(http: HttpAdapterHost): string | undefined {
  const server = http.httpAdapter?.getHttpServer?.();
  const address = server?.address?.() as AddressInfo | string | null | undefined;
  if (!address || typeof address === 'string') return undefined;
  return `http://127.0.0.1:${address.port}`;
}
