#!/usr/bin/env node
// Import-boundary check (STYLE rule 8), run in CI: boundaries are checked by a tool, not by memory.
//  - libs never import services;
//  - a service never imports another service (standalone is the composition root and may);
//  - libs/contracts imports nothing of Nest or TypeORM;
//  - only libs/messaging imports kafkajs;
//  - only services/orders reads the fulfilment key-encryption key.
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

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems = [];

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
    if (spec === 'kafkajs' && !(area === 'libs' && name === 'messaging')) problems.push(`${rel}: only libs/messaging may import kafkajs`);
  }
  if (/loadCryptoKeys\([^)]*'FULFILMENT'/.test(source) && !(area === 'services' && name === 'orders')) {
    problems.push(`${rel}: only the orders service may hold the fulfilment key (R16)`);
  }
}

if (problems.length > 0) {
  console.error(`import boundaries broken (${problems.length}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`import boundaries hold across ${files.length} files`);
