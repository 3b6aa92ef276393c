import { detectUnmaskedPii, PII_KINDS, type PiiKind } from '@siyu/privacy';

/** Where unmasked personal data arrived in a push: kinds and how many values, never the values (R1). */
export interface PushPiiFinding {
  kinds: PiiKind[];
  /** How many values of this field held unmasked PII (a list's items count one each). */
  count: number;
}

/** Field path (`content.buyer_message`, `content.orders[].title`) to what was found there. */
export type PushPiiReport = Record<string, PushPiiFinding>;

// Deep enough for every platform's envelope; a deeper body is scanned as text from there on.
const MAX_DEPTH = 12;

/**
 * Scans every string of a push message, whichever fields the mapping keeps, as file imports scan
 * every column (R1, R4). Platforms nest the order as JSON text (TMC `content`, Douyin `data`) or
 * URL-encoded JSON (Youzan `msg`): those are opened and scanned field by field, so the report
 * names the field inside them. Array positions are folded (`[]`) to keep the report bounded.
 */
export function scanPushForPii(body: string): PushPiiReport {
  const found = new Map<string, { kinds: Set<PiiKind>; count: number }>();
  const note = (path: string, kinds: PiiKind[]) => {
    let finding = found.get(path);
    if (!finding) found.set(path, (finding = { kinds: new Set(), count: 0 }));
    kinds.forEach((k) => finding.kinds.add(k));
    finding.count++;
  };
  const visit = (value: unknown, path: string, depth: number): void => {
    if (typeof value === 'string') {
      const nested = depth < MAX_DEPTH ? nestedJson(value) : undefined;
      if (nested !== undefined) return visit(nested, path, depth + 1);
      const kinds = detectUnmaskedPii(value);
      if (kinds.length > 0) note(path || '(body)', kinds);
      return;
    }
    if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, `${path}[]`, depth + 1);
      return;
    }
    for (const [key, member] of Object.entries(value))
      visit(member, path ? `${path}.${key}` : key, depth + 1);
  };
  visit(body, '', 0);

  const report: PushPiiReport = {};
  for (const [path, f] of [...found].sort(([a], [b]) => a.localeCompare(b)))
    report[path] = { kinds: PII_KINDS.filter((k) => f.kinds.has(k)), count: f.count };
  return report;
}

/** The object or list a string holds as JSON text or URL-encoded JSON, else undefined. */
function nestedJson(text: string): object | undefined {
  const trimmed = text.trim();
  let candidate: string | null = null;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) candidate = trimmed;
  else if (/^%(7B|5B)/i.test(trimmed)) {
    try {
      candidate = decodeURIComponent(trimmed);
    } catch {
      return undefined;
    }
  }
  if (candidate === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(candidate);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `content.buyer_message: mobile_phone ×1; …` — field names and kinds, for a log line. */
export function describePiiReport(report: PushPiiReport): string {
  return Object.entries(report)
    .map(([field, f]) => `${field}: ${f.kinds.join('+')} ×${f.count}`)
    .join('; ');
}
