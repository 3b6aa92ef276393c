#!/usr/bin/env node
// Import-boundary check (STYLE rule 8), run in CI: boundaries are checked by a tool, not by memory.
//  - libs never import services;
//  - a service never imports another service (standalone is the composition root and may);
//  - libs/contracts imports nothing of Nest or TypeORM;
//  - only libs/messaging imports kafkajs;
//  - only services/orders reads the fulfilment key-encryption key;
//  - SQL lives in repositories (*.repository.ts) and migrations only (STYLE: "repositories are the only
//    code that touches SQL"); libs (platform code), tests and bench are outside this rule. A service file
//    that must hold SQL for now is listed in SQL_ALLOWED with the reason; an entry whose file no longer
//    holds SQL fails too, so the list only shrinks;
//  - controllers stay thin: no *.controller.ts holds the DataSource (reads go through a *.query.ts, writes
//    through a use case). CONTROLLERS_WITH_DATASOURCE names the ones still to move, each with its owner;
//    the list never grows, and an entry that no longer applies is reported for removal.
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative, resolve, dirname } = require('node:path');

const root = resolve(__dirname, '..');
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) files.push(p);
  }
})(join(root, 'services'));
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) files.push(p);
  }
})(join(root, 'libs'));

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems = [];

// A string literal that starts with a data statement (transaction control such as SAVEPOINT is not data access).
const LITERAL = /`(?:[^`\\]|\\.)*`|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g;
const SQL =
  /^\s*(?:WITH\s+\w+\s+AS\s*\(|SELECT\s[\s\S]*\bFROM\s|SELECT\s+[\w.]+\s*\(|INSERT\s+INTO\s|UPDATE\s+[\w.]+\s+(?:\w+\s+)?SET\s|DELETE\s+FROM\s|(?:CREATE|ALTER|DROP)\s+(?:TABLE|INDEX|ROLE|SCHEMA|VIEW|FUNCTION|TRIGGER)\s|TRUNCATE\s|LOCK\s+TABLE\s|GRANT\s|REVOKE\s)/;
const SQL_HOME = /\.repository\.ts$|\/migrations\/|\/test\/|\.(?:spec|int-spec|e2e-spec)\.ts$/;
/** Service files that still hold SQL outside a repository, each with why; shrink it, never grow it. */
const SQL_ALLOWED = {};

/** Controllers that still inject the DataSource; shrink it, never grow it. */
const CONTROLLERS_WITH_DATASOURCE = {};
const notes = [];

function sqlLiterals(source) {
  let n = 0;
  for (const m of source.matchAll(LITERAL)) if (SQL.test(m[0].slice(1, -1))) n++;
  return n;
}

for (const file of files) {
  const rel = relative(root, file);
  const [area, name] = rel.split('/');
  const source = readFileSync(file, 'utf8');
  for (const m of source.matchAll(IMPORT)) {
    const spec = m[1] || m[2] || m[3];
    const target = spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)) : spec;
    const [tArea, tName] = target.split('/');
    if (area === 'libs' && tArea === 'services') problems.push(`${rel}: a lib imports a service (${spec})`);
    if (area === 'services' && tArea === 'services' && tName !== name && name !== 'standalone') {
      problems.push(`${rel}: service "${name}" imports service "${tName}" (${spec}); talk through events`);
    }
    if (area === 'libs' && name === 'contracts' && (/^@nestjs\//.test(spec) || spec === 'typeorm')) {
      problems.push(`${rel}: contracts must not import ${spec}`);
    }
    if (spec === 'kafkajs' && !(area === 'libs' && name === 'messaging'))
      problems.push(`${rel}: only libs/messaging may import kafkajs`);
  }
  if (area === 'services' && !SQL_HOME.test(rel)) {
    const found = sqlLiterals(source);
    if (found > 0 && !SQL_ALLOWED[rel])
      problems.push(
        `${rel}: ${found} SQL statement(s) outside a repository or migration; move them into a *.repository.ts`,
      );
    if (found === 0 && SQL_ALLOWED[rel])
      problems.push(`${rel}: holds no SQL any more; remove it from SQL_ALLOWED`);
  }
  if (area === 'services' && rel.endsWith('.controller.ts')) {
    const holdsDataSource = /\bDataSource\b/.test(source);
    if (holdsDataSource && !CONTROLLERS_WITH_DATASOURCE[rel])
      problems.push(
        `${rel}: a controller holds the DataSource; read through a *.query.ts, write through a use case`,
      );
    // A note, not a failure: the engineer who moves one need not edit this list in the same branch.
    if (!holdsDataSource && CONTROLLERS_WITH_DATASOURCE[rel])
      notes.push(`${rel}: no longer holds the DataSource; remove it from CONTROLLERS_WITH_DATASOURCE`);
  }
  if (/loadCryptoKeys\([^)]*'FULFILMENT'/.test(source) && !(area === 'services' && name === 'orders')) {
    problems.push(`${rel}: only the orders service may hold the fulfilment key (R16)`);
  }
}

// docs/architecture.md is the newcomer's map: every feature folder of every service is named there.
const map = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
for (const service of readdirSync(join(root, 'services'))) {
  const src = join(root, 'services', service, 'src');
  if (!statSync(join(root, 'services', service)).isDirectory()) continue;
  let folders = [];
  try {
    folders = readdirSync(src).filter((f) => statSync(join(src, f)).isDirectory());
  } catch {
    continue;
  }
  for (const folder of folders)
    if (!map.includes(`${service}/src/${folder}/`))
      problems.push(`services/${service}/src/${folder}/: not on the map in docs/architecture.md; add a row`);
}

for (const rel of Object.keys(SQL_ALLOWED))
  if (!files.some((f) => relative(root, f) === rel))
    problems.push(`${rel}: listed in SQL_ALLOWED but gone; remove it`);

for (const rel of Object.keys(CONTROLLERS_WITH_DATASOURCE))
  if (!files.some((f) => relative(root, f) === rel))
    notes.push(
      `${rel}: listed in CONTROLLERS_WITH_DATASOURCE but not in this tree (a branch not merged yet, or gone: then remove it)`,
    );
for (const note of notes) console.warn(`note: ${note}`);

if (problems.length > 0) {
  console.error(`import boundaries broken (${problems.length}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`import boundaries hold across ${files.length} files`);
