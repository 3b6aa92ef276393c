#!/usr/bin/env node
// `npm run start:service -- <name>`: runs one built service on its own (see README).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const name = process.argv[2];
const services = ['identity', 'orders', 'consent', 'audience', 'outreach', 'privacy', 'standalone'];
if (!services.includes(name)) {
  console.error(`usage: npm run start:service -- <${services.join('|')}>`);
  process.exit(2);
}
const entry = join(__dirname, '..', 'dist', 'services', name, 'src', 'main.js');
if (!existsSync(entry)) {
  console.error(`${entry} not found: run \`npm run build\` first`);
  process.exit(1);
}
require(entry);
