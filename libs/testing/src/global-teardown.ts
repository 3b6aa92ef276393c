export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __SIYU_PG__?: { stop(): Promise<void> } }).__SIYU_PG__?.stop();
}
