import { writeFileSync } from 'node:fs';
import { standaloneApiDocument } from './api-document';

/** `node dist/services/standalone/src/emit-api-document.js out.json`: the merged description, no database. */
async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: emit-api-document <out.json>');
  const document = await standaloneApiDocument();
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`emit-api-document: ${(err as Error).message}`);
    process.exit(1);
  },
);
