/**
 * Extra server settings for a bench's embedded PostgreSQL from `PG_SETTINGS`, e.g.
 * `PG_SETTINGS=shared_buffers=4GB,max_wal_size=8GB` (each becomes `-c name=value`), on top of the
 * bench's own `defaults`. The embedded server otherwise runs PostgreSQL's defaults (128 MB of shared
 * buffers), sized for a laptop, not for a brand's million members: a bench prints what it ran with.
 */
export function pgSettingsFromEnv(defaults: Record<string, string> = {}): Record<string, string> {
  const out = { ...defaults };
  for (const pair of (process.env.PG_SETTINGS ?? '').split(',')) {
    if (!pair.trim()) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`PG_SETTINGS: "${pair}" is not name=value`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** "name=value, …" as printed in a bench's header ("PostgreSQL defaults" when none). */
export function describeSettings(settings: Record<string, string>): string {
  const list = Object.entries(settings).map(([k, v]) => `${k}=${v}`);
  return list.length > 0 ? list.join(', ') : 'PostgreSQL defaults';
}
