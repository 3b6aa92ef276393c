import {
  DATA_CATEGORIES,
  PROCESSING_PURPOSES,
  type DataCategory,
  type ProcessingPurpose,
} from './data-categories';
import { PROCESSORS } from '../processors/processor-register';
import { SERVICE_DECLARATIONS } from './service-declarations';

export interface ColumnRecord {
  service: string;
  table: string;
  column: string;
  category: DataCategory;
  purpose: ProcessingPurpose;
  retention: string;
}

/** The declarations as flat rows: one per column of every service schema. */
export function dataMap(): ColumnRecord[] {
  return SERVICE_DECLARATIONS.flatMap((s) =>
    Object.entries(s.tables).flatMap(([table, t]) =>
      Object.entries(t.columns).map(([column, category]) => ({
        service: s.service,
        table,
        column,
        category,
        purpose: t.purpose,
        retention: t.retention ?? s.retention,
      })),
    ),
  );
}

/** Columns present in the database but declared nowhere, as `schema.table.column`. */
export function undeclaredColumns(actual: { schema: string; table: string; column: string }[]): string[] {
  const declared = new Set(dataMap().map((r) => `${r.service}.${r.table}.${r.column}`));
  return actual.map((c) => `${c.schema}.${c.table}.${c.column}`).filter((k) => !declared.has(k));
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function dataMapCsv(): string {
  const header = ['service', 'table', 'column', 'category', 'purpose', 'legal_basis', 'retention'];
  const rows = dataMap().map((r) => [
    r.service,
    r.table,
    r.column,
    r.category,
    r.purpose,
    PROCESSING_PURPOSES[r.purpose].basis,
    r.retention,
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/** Processing records (PIPL Art. 54/55 style): per service, purposes, categories, retention, tables. */
export function processingRecordsMarkdown(): string {
  const out: string[] = ['# Processing records (generated from code declarations)', ''];
  for (const s of SERVICE_DECLARATIONS) {
    out.push(`## ${s.service}`, '', s.description, '', `Default retention: ${s.retention}`, '');
    out.push(
      '| table | purpose | legal basis | personal-data categories | retention |',
      '|---|---|---|---|---|',
    );
    for (const [table, t] of Object.entries(s.tables)) {
      const categories = [...new Set(Object.values(t.columns))].filter((c) => c !== 'technical');
      out.push(
        `| ${table} | ${t.purpose} | ${PROCESSING_PURPOSES[t.purpose].basis} | ${categories.join(', ') || '—'} | ${t.retention ?? s.retention} |`,
      );
    }
    out.push('');
  }
  // R18 asks the records to name the processors; the full register is docs/privacy/processors.md (R15).
  out.push(
    '## Entrusted processors',
    '',
    '| processor | purpose | categories | location |',
    '|---|---|---|---|',
  );
  for (const p of PROCESSORS)
    out.push(`| ${p.name} | ${p.processingPurpose} | ${p.dataCategories.join(', ')} | ${p.location} |`);
  out.push('');
  out.push('## Categories', '', '| category | meaning |', '|---|---|');
  for (const [k, v] of Object.entries(DATA_CATEGORIES)) out.push(`| ${k} | ${v} |`);
  return out.join('\n') + '\n';
}
