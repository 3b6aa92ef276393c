import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

/** A value of a `COPY … FROM STDIN` text-format line: what PostgreSQL reads back as that value. */
export type CopyValue = string | number | bigint | boolean | null | undefined;

// Backslash, tab, newline and carriage return are the only characters COPY's text format escapes.
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY text format (`\N` for null). */
export function copyValue(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPED[c]) : value;
}

/** One row as a COPY text-format line (tab-separated, newline-terminated). */
export function copyLine(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : '\t') + copyValue(values[i]);
  return `${line}\n`;
}

/**
 * Streams COPY text-format lines into `table (columns)` on the caller's transaction (STYLE rule 11:
 * the bulk path skips parameters entirely). `lines` are from `copyLine`; `table` and `columns` are
 * the caller's constants, never input. Returns the rows PostgreSQL stored.
 */
export async function copyRows(
  tx: EntityManager,
  table: string,
  columns: readonly string[],
  lines: Iterable<string> | AsyncIterable<string>,
): Promise<number> {
  const runner = tx.queryRunner as unknown as { connect(): Promise<PoolClient> } | undefined;
  if (!runner) throw new Error('copyRows needs a transaction (tx.queryRunner)');
  const client = await runner.connect();
  const copy = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(batched(lines)), copy);
  return copy.rowCount;
}

// ~64 KiB per write: one socket write per batch instead of one per row.
async function* batched(lines: Iterable<string> | AsyncIterable<string>): AsyncGenerator<string> {
  let text = '';
  for await (const line of lines) {
    text += line;
    if (text.length >= 64 * 1024) {
      yield text;
      text = '';
    }
  }
  if (text.length > 0) yield text;
}
