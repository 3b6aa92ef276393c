/**
 * Everything written to the console, stdout and stderr (Nest's Logger writes to the streams)
 * while `run` executes, for tests that assert no personal data reaches a log line.
 */
export async function captureOutput(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  const savedOut = process.stdout.write;
  const savedErr = process.stderr.write;
  for (const m of methods) console[m] = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  const grab = (chunk: unknown) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  try {
    await run();
  } finally {
    methods.forEach((m, i) => (console[m] = saved[i]));
    process.stdout.write = savedOut;
    process.stderr.write = savedErr;
  }
  return lines.join('\n');
}
