import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_CATEGORIES, PROCESSING_PURPOSES } from '../records/data-categories';
import { PROCESSORS, processorsMarkdown } from './processor-register';

describe('register of entrusted processors (R15)', () => {
  it('declares for every processor a purpose, data categories from the catalogue, what is sent and where', () => {
    for (const p of PROCESSORS) {
      expect(p.purpose.length).toBeGreaterThan(0);
      expect(Object.keys(PROCESSING_PURPOSES)).toContain(p.processingPurpose);
      expect(p.dataCategories.length).toBeGreaterThan(0);
      for (const c of p.dataCategories) expect(Object.keys(DATA_CATEGORIES)).toContain(c);
      expect(p.dataSent.length).toBeGreaterThan(0);
      expect(p.location.length).toBeGreaterThan(0);
    }
    expect(new Set(PROCESSORS.map((p) => p.id)).size).toBe(PROCESSORS.length);
    const keys = PROCESSORS.flatMap((p) => p.codeKeys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is published in docs/privacy/processors.md exactly as the code declares it', () => {
    const docs = join(__dirname, '../../../../docs/privacy');
    expect(readFileSync(join(docs, 'processors.md'), 'utf8')).toBe(processorsMarkdown());
  });
});
