#!/usr/bin/env node
// Lists every `expect(` line that a range of commits removed or changed in test files, so a
// restructure can show that no assertion was weakened (issue 11: "a diff of test assertions").
//
//   node scripts/assertion-diff.js BASE [HEAD]              net change BASE..HEAD (default HEAD)
//   node scripts/assertion-diff.js BASE [HEAD] --commits RE  only the non-merge commits of the range
//        whose message matches RE (case-insensitive), each diffed against its own parent
//   --merges RE      also the commits brought in by merges whose message matches RE (their 2nd parent side)
//   --shas A,B,…     also these commits (e.g. ones a fast-forward merge brought in, which leave no merge message)
//   --json           machine-readable output
//
// Test files: *.spec.ts(x), *.int-spec.ts, *.e2e-spec.ts and anything under a test/ folder. Renames are
// followed (git -M), so a moved test file shows only what changed in it. A removed line is:
//   moved    — the same line (white space folded) is added elsewhere in the same diff;
//   changed  — its hunk adds other expect( lines (printed beside it, to judge old vs new);
//   removed  — neither: the assertion is gone.
'use strict';
const { execFileSync } = require('node:child_process');

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const json = args.includes('--json');
if (json) args.splice(args.indexOf('--json'), 1);
const commitsRe = flag('--commits');
const mergesRe = flag('--merges');
const shaList = flag('--shas');
const [base, head = 'HEAD'] = args;
if (!base) {
  console.error(
    'usage: node scripts/assertion-diff.js BASE [HEAD] [--commits RE] [--merges RE] [--shas A,B] [--json]',
  );
  process.exit(2);
}

const git = (...a) => execFileSync('git', a, { encoding: 'utf8', maxBuffer: 1 << 30 });
const isTest = (path) => /\.(spec|int-spec|e2e-spec)\.tsx?$/.test(path) || /(^|\/)test\//.test(path);
const isExpect = (line) => /\bexpect\s*\(/.test(line);
const fold = (line) => line.trim().replace(/\s+/g, ' ');

/** Parses `git diff -U0 -M` output into per-file hunks of removed/added lines. */
function parseDiff(text) {
  const files = [];
  let file = null;
  let hunk = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      file = { from: null, to: null, hunks: [] };
      files.push(file);
      hunk = null;
    } else if (!file) continue;
    else if (line.startsWith('--- ')) file.from = line === '--- /dev/null' ? null : line.slice(6);
    else if (line.startsWith('+++ ')) file.to = line === '+++ /dev/null' ? null : line.slice(6);
    else if (line.startsWith('@@')) {
      const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)/.exec(line);
      hunk = { oldLine: Number(m[1]), newLine: Number(m[2]), removed: [], added: [] };
      file.hunks.push(hunk);
    } else if (hunk && line.startsWith('-')) hunk.removed.push(line.slice(1));
    else if (hunk && line.startsWith('+')) hunk.added.push(line.slice(1));
  }
  return files;
}

/** The removed/changed/moved expect( lines of one diff, and the count of added ones. */
function assertionsIn(diffText, where) {
  const files = parseDiff(diffText).filter((f) => isTest(f.to ?? f.from ?? ''));
  const addedAnywhere = new Set();
  let added = 0;
  for (const f of files)
    for (const h of f.hunks)
      for (const a of h.added)
        if (isExpect(a)) {
          added++;
          addedAnywhere.add(fold(a));
        }
  const rows = [];
  for (const f of files)
    for (const h of f.hunks) {
      const addedExpects = h.added.filter(isExpect);
      h.removed.forEach((r, i) => {
        if (!isExpect(r)) return;
        const kind = addedAnywhere.has(fold(r)) ? 'moved' : addedExpects.length > 0 ? 'changed' : 'removed';
        rows.push({
          where,
          file: f.from ?? f.to,
          toFile: f.to,
          line: h.oldLine + i,
          kind,
          old: r.trim(),
          new: kind === 'changed' ? addedExpects.map((a) => a.trim()) : [],
        });
      });
    }
  return { added, rows };
}

const diffArgs = ['diff', '-U0', '-M', '--no-color'];
const results = [];
const selecting = Boolean(commitsRe || mergesRe || shaList);
if (!selecting) {
  results.push(assertionsIn(git(...diffArgs, base, head), `${base}..${head}`));
} else {
  const shas = new Set();
  if (commitsRe)
    for (const s of git(
      'log',
      '--no-merges',
      '-i',
      '-E',
      `--grep=${commitsRe}`,
      '--format=%H',
      `${base}..${head}`,
    )
      .split('\n')
      .filter(Boolean))
      shas.add(s);
  if (mergesRe)
    for (const m of git(
      'log',
      '--merges',
      '-i',
      '-E',
      `--grep=${mergesRe}`,
      '--format=%H',
      `${base}..${head}`,
    )
      .split('\n')
      .filter(Boolean))
      for (const s of git('log', '--no-merges', '--format=%H', `${m}^1..${m}^2`).split('\n').filter(Boolean))
        shas.add(s);
  for (const s of (shaList ?? '').split(',').filter(Boolean))
    shas.add(git('rev-parse', `${s}^{commit}`).trim());
  const ordered = git('log', '--no-merges', '--reverse', '--format=%H', `${base}..${head}`)
    .split('\n')
    .filter((s) => shas.has(s));
  for (const sha of ordered) {
    const subject = git('log', '-1', '--format=%h %s', sha).trim().slice(0, 100);
    results.push({ ...assertionsIn(git(...diffArgs, `${sha}^`, sha), subject), commit: subject });
  }
}

const rows = results.flatMap((r) => r.rows);
const count = (kind) => rows.filter((r) => r.kind === kind).length;
const summary = {
  range: `${base}..${head}`,
  commits: selecting ? results.length : undefined,
  added: results.reduce((n, r) => n + r.added, 0),
  removed: count('removed'),
  changed: count('changed'),
  moved: count('moved'),
};
if (json) {
  console.log(JSON.stringify({ summary, rows }, null, 2));
} else {
  console.log(
    `${summary.range}${summary.commits !== undefined ? ` (${summary.commits} commits)` : ''}: ` +
      `expect( lines in test files — ${summary.added} added, ${summary.removed} removed, ` +
      `${summary.changed} changed, ${summary.moved} moved`,
  );
  for (const r of rows.filter((x) => x.kind !== 'moved')) {
    console.log(
      `\n[${r.kind}] ${r.file}:${r.line}${r.toFile && r.toFile !== r.file ? ` → ${r.toFile}` : ''}`,
    );
    if (selecting) console.log(`  in ${r.where}`);
    console.log(`  - ${r.old}`);
    for (const n of r.new) console.log(`  + ${n}`);
  }
}
