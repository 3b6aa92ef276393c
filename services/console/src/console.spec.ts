import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiErrorText, latestOnly } from './api-errors';
import { toCsv } from './csv';
import { messages } from './messages';
import { PAGES } from './nav';
import { tagKeysIn, toRule } from './rule-building';
import { filledPoints } from './timeline';

const SRC = __dirname;
const tsxFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsxFiles(join(dir, e.name)) : e.name.endsWith('.tsx') ? [join(dir, e.name)] : [],
  );

describe('the console without a browser', () => {
  it('has every zh-CN message in English too, and no other', () => {
    expect(Object.keys(messages.en).sort()).toEqual(Object.keys(messages['zh-CN']).sort());
    expect(Object.entries(messages.en).filter(([, v]) => !v.trim())).toEqual([]);
  });

  it('hard-codes no text in components: JSX text and labels come from the messages', () => {
    const offending: string[] = [];
    for (const file of tsxFiles(SRC)) {
      const code = readFileSync(file, 'utf8');
      // Text between tags that is not an expression, and literal title/label/placeholder props.
      for (const m of code.matchAll(/(?<![=-])>([^<>{}\n;=()]*\p{L}{2,}[^<>{}\n;=()]*)<\//gu))
        offending.push(`${file}: ${m[1].trim()}`);
      for (const m of code.matchAll(/\b(title|label|placeholder|aria-label)="([^"]+)"/g))
        offending.push(`${file}: ${m[1]}="${m[2]}"`);
    }
    // The language switch names each language in itself, on purpose.
    expect(offending.filter((o) => !/'(中文|English)'/.test(o))).toEqual([]);
    const used = tsxFiles(SRC).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/\bt\('([^']+)'/g)].map((m) => m[1]),
    );
    expect(used.filter((k) => !(k in messages['zh-CN']))).toEqual([]);
  });

  it("offers each page to exactly the roles its API operation allows (the description's x-roles)", () => {
    const doc = JSON.parse(readFileSync(join(SRC, 'api', 'openapi.json'), 'utf8'));
    // Staff roles are the ones a login answers with; machine roles (platform, auditor) never open the
    // console, so a route that also admits a machine key still belongs to the same staff pages.
    const staff: string[] = doc.components.schemas.LogInResponse.properties.role.enum;
    expect(staff).toEqual(expect.arrayContaining(['admin', 'ops', 'marketer', 'privacy_officer']));
    for (const page of PAGES) {
      const [method, path] = page.operation;
      const roles: string[] = (doc.paths[path]?.[method]?.['x-roles'] ?? []).filter((r: string) =>
        staff.includes(r),
      );
      expect({ page: page.key, roles: [...page.roles].sort() }).toEqual({
        page: page.key,
        roles: [...roles].sort(),
      });
    }
  });

  it('applies only the newest answer when an older request resolves after it (a job list never goes back to "running")', async () => {
    const latest = latestOnly();
    const shown: string[] = [];
    let releaseOld!: (v: string) => void;
    const old = latest(
      () => new Promise<string>((r) => (releaseOld = r)),
      (v) => shown.push(v),
    );
    await latest(
      async () => 'completed',
      (v) => shown.push(v),
    );
    releaseOld('running');
    await old;
    expect(shown).toEqual(['completed']);
  });

  it("says an API error the console knows by its code in the chosen language, and any other in the API's own words after its code", () => {
    const tooLittle = {
      code: 'TAG_NOT_ENOUGH_HISTORY',
      message: 'need at least 20 members with orders before 2026-09-08T00:00:00.000Z (have 2, 0 reordered)',
    };
    expect(apiErrorText(tooLittle, 'en')).toBe(
      `TAG_NOT_ENOUGH_HISTORY: ${messages.en['error.TAG_NOT_ENOUGH_HISTORY']}`,
    );
    expect(apiErrorText(tooLittle, 'zh-CN')).toMatch(/^TAG_NOT_ENOUGH_HISTORY: 历史数据不足/);
    expect(apiErrorText({ code: 'ROLE_NOT_ALLOWED', message: 'role marketer may not call this' }, 'en')).toBe(
      'ROLE_NOT_ALLOWED: Your role may not do this',
    );
    const unknown = { code: 'CAMPAIGN_NOT_PAUSED', message: 'campaign is not paused' };
    expect(apiErrorText(unknown, 'en')).toBe('CAMPAIGN_NOT_PAUSED: campaign is not paused');
    expect(apiErrorText(undefined, 'en')).toBe('ERROR: Request failed');
    // Every code the console words is worded in both languages (the key test above), in English too.
    for (const [, text] of Object.entries(messages.en).filter(([k]) => k.startsWith('error.')))
      expect(text).not.toMatch(/\p{Script=Han}/u);
  });

  it('turns a rule built condition by condition into the audience rule language', () => {
    const rule = toRule('and', [
      { kind: 'tag', negate: false, name: 'rfm', op: 'in', value: 'R5F5M5, R5F4M5' },
      { kind: 'bought', negate: false, withinDays: 90, category: '运动' },
      { kind: 'member', negate: true, op: 'lte', value: '30' },
    ]);
    expect(rule).toEqual({
      and: [
        { tag: 'rfm', op: 'in', value: ['R5F5M5', 'R5F4M5'] },
        { bought: { withinDays: 90, category: '运动' } },
        { not: { member: 'joined_days_ago', op: 'lte', value: 30 } },
      ],
    });
    expect(toRule('or', [])).toBeUndefined();
    expect(tagKeysIn({ or: [{ tag: 'a' }, { not: { tag: 'b' } }, { tag: 'a' }] })).toEqual(['a', 'b']);
  });

  it('writes the rejected-rows CSV so a spreadsheet runs no formula from it', () => {
    const csv = toCsv(
      ['row', 'field', 'reason'],
      [
        [7, '=HYPERLINK("x")', '+1'],
        [8, '@SUM(A1)', 'ok "quoted"'],
      ],
    );
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""x"")","'+1"`);
    expect(csv).toContain(`"'@SUM(A1)","ok ""quoted"""`);
  });

  it('fills the hours of a results timeline in which nothing happened with zeros, in order', () => {
    const p = (start: string, sent: number) => ({
      start,
      sent,
      delivered: 0,
      failed: 0,
      blocked: 0,
      unsubscribed: 0,
    });
    const filled = filledPoints([p('2026-12-06T01:00:00.000Z', 3), p('2026-12-06T04:00:00.000Z', 1)], 'hour');
    expect(filled.map((x) => [x.start.slice(11, 13), x.sent])).toEqual([
      ['01', 3],
      ['02', 0],
      ['03', 0],
      ['04', 1],
    ]);
    // Sparse over too long a span: only the buckets with something in them.
    const far = [p('2026-01-01T00:00:00.000Z', 1), p('2026-12-01T00:00:00.000Z', 1)];
    expect(filledPoints(far, 'hour')).toEqual(far);
    expect(filledPoints(far, 'day')).toHaveLength(335);
  });
});
