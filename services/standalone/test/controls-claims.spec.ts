import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * Docs claim only what a test shows (issue 14 §5): every test `docs/privacy/controls.md` cites must
 * exist. The test column of each table row is a `;`-separated list of citations, each a backticked
 * test file — a repository path, or a file name that names exactly one file (`{a,b}` expands) —
 * optionally followed by `› "test name"` for each cited test, which must be a test title in that file.
 * Text in parentheses is commentary (which case of the file) and is not resolved. Anything else —
 * prose such as "orders e2e", an ADR, a design document — is not a test and fails this check.
 */
const root = join(__dirname, '..', '..', '..');
const DOC = join(root, 'docs', 'privacy', 'controls.md');
const TEST_FILE = /\.(spec|int-spec|e2e-spec)\.ts$|\.flow\.ts$/;

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else if (TEST_FILE.test(e.name)) out.push(p.slice(root.length + 1));
  }
  return out;
}

/** Removes balanced parenthesised commentary, keeping what is outside it. */
export function withoutCommentary(text: string): string {
  let depth = 0;
  let out = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out;
}

function expand(path: string): string[] {
  const m = /\{([^}]+)\}/.exec(path);
  if (!m) return [path];
  return m[1].split(',').flatMap((alt) => expand(path.replace(m[0], alt.trim())));
}

/** Test titles of a file: the string literal first argument of it/test/describe (…WithKafka). */
function titlesOf(source: string): string[] {
  const titles: string[] = [];
  const re = /\b(?:it|test|describe|describeWithKafka)\(\s*(['"`])((?:\\.|(?!\1)[\s\S])*?)\1/g;
  for (let m = re.exec(source); m; m = re.exec(source)) titles.push(m[2].replace(/\\(.)/g, '$1'));
  return titles;
}

export interface CitationProblem {
  row: string;
  problem: string;
}

/** Resolves every citation of the test column; returns each problem with its row (the rule cell). */
export function checkCitations(markdown: string, testFiles: string[]): CitationProblem[] {
  const byName = new Map<string, string[]>();
  for (const f of testFiles) byName.set(basename(f), [...(byName.get(basename(f)) ?? []), f]);
  const problems: CitationProblem[] = [];
  const rows = markdown
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .map((l) =>
      l
        .slice(1, l.trimEnd().endsWith('|') ? l.trimEnd().length - 1 : undefined)
        .split('|')
        .map((c) => c.trim()),
    )
    .filter((cells) => cells.length >= 3 && cells[0] !== 'rule');
  for (const cells of rows) {
    const row = cells[0];
    const column = withoutCommentary(cells[cells.length - 1]);
    const citations = column
      .split(';')
      .map((c) => c.trim())
      .filter(Boolean);
    if (citations.length === 0) problems.push({ row, problem: 'cites no test' });
    for (const citation of citations) {
      const m = /^`([^`]+)`((?:\s*›\s*"[^"]+")*)$/.exec(citation);
      if (!m) {
        problems.push({ row, problem: `not a test citation: ${citation}` });
        continue;
      }
      const names = [...m[2].matchAll(/"([^"]+)"/g)].map((n) => n[1]);
      for (const cited of expand(m[1])) {
        const candidates = cited.includes('/')
          ? existsSync(join(root, cited)) && TEST_FILE.test(cited)
            ? [cited]
            : []
          : (byName.get(cited) ?? []);
        if (candidates.length !== 1) {
          problems.push({
            row,
            problem:
              candidates.length === 0
                ? `no test file ${cited}`
                : `${cited} names ${candidates.length} files: ${candidates.join(', ')}`,
          });
          continue;
        }
        const titles = titlesOf(readFileSync(join(root, candidates[0]), 'utf8'));
        for (const name of names)
          if (!titles.some((t) => t.includes(name)))
            problems.push({ row, problem: `no test "${name}" in ${candidates[0]}` });
      }
    }
  }
  return problems;
}

describe('docs/privacy/controls.md cites only tests that exist (issue 14 §5)', () => {
  const testFiles = [...filesUnder(join(root, 'services')), ...filesUnder(join(root, 'libs'))];

  it('resolves every cited test file and test name', () => {
    expect(checkCitations(readFileSync(DOC, 'utf8'), testFiles)).toEqual([]);
  });

  it('would catch a missing file, an ambiguous name, a missing test name, an ADR and prose', () => {
    const doc = [
      '| rule | control | test |',
      '|---|---|---|',
      '| A | x | `services/standalone/test/no-such.e2e-spec.ts` |',
      '| B | x | `README.md` |',
      '| C | x | `services/standalone/test/controls-claims.spec.ts` › "no such test" |',
      '| D | x | ADR 0002 |',
      '| E | x | outreach dispatch audit |',
      '| F | x | `services/standalone/test/controls-claims.spec.ts` › "resolves every cited test file" (commentary; `ignored`) |',
      '| G | x | `access.e2e-spec.ts`; `{readiness,standalone}.e2e-spec.ts` |',
    ].join('\n');
    const found = checkCitations(doc, testFiles);
    expect(found).toEqual([
      { row: 'A', problem: 'no test file services/standalone/test/no-such.e2e-spec.ts' },
      { row: 'B', problem: 'no test file README.md' },
      {
        row: 'C',
        problem: 'no test "no such test" in services/standalone/test/controls-claims.spec.ts',
      },
      { row: 'D', problem: 'not a test citation: ADR 0002' },
      { row: 'E', problem: 'not a test citation: outreach dispatch audit' },
    ]);
  });
});
