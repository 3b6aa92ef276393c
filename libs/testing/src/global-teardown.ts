import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const pg = (globalThis as { __SIYU_PG__?: { stop(): Promise<void>; dataDir: string } }).__SIYU_PG__;
  if (!pg) return;
  await pg.stop();
  rmSync(pg.dataDir, { recursive: true, force: true });
}
