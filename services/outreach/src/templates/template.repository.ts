import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { SmsVendor, VendorTemplate } from '../channels/sms-vendor.channel';

export interface SmsTemplate {
  id: string;
  brandId: string;
  vendor: SmsVendor;
  signName: string;
  templateCode: string;
  name: string;
  content: string;
  kind: VendorTemplate['kind'];
  vendorStatus: VendorTemplate['status'];
  variables: string[];
  problems: string[];
  source: 'synced' | 'declared';
  updatedAt: string;
}

type Row = Record<string, unknown> & { updated_at: Date };

function toTemplate(r: Row): SmsTemplate {
  return {
    id: r.id as string,
    brandId: r.brand_id as string,
    vendor: r.vendor as SmsVendor,
    signName: r.sign_name as string,
    templateCode: r.template_code as string,
    name: r.name as string,
    content: r.content as string,
    kind: r.kind as SmsTemplate['kind'],
    vendorStatus: r.vendor_status as SmsTemplate['vendorStatus'],
    variables: r.variables as string[],
    problems: r.problems as string[],
    source: r.source as SmsTemplate['source'],
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export class TemplateRepository {
  /** Inserts or refreshes the record of one vendor template (same vendor, code and sign name). */
  async upsert(tx: EntityManager, t: Omit<SmsTemplate, 'id' | 'updatedAt'>): Promise<SmsTemplate> {
    const [row] = await tx.query(
      `INSERT INTO sms_templates (id, brand_id, vendor, sign_name, template_code, name, content, kind,
                                  vendor_status, variables, problems, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (brand_id, vendor, template_code, sign_name) DO UPDATE
         SET name = EXCLUDED.name, content = EXCLUDED.content, kind = EXCLUDED.kind,
             vendor_status = EXCLUDED.vendor_status, variables = EXCLUDED.variables,
             problems = EXCLUDED.problems, source = EXCLUDED.source, updated_at = now()
       RETURNING *`,
      [
        randomUUID(),
        t.brandId,
        t.vendor,
        t.signName,
        t.templateCode,
        t.name,
        t.content,
        t.kind,
        t.vendorStatus,
        t.variables,
        t.problems,
        t.source,
      ],
    );
    return toTemplate(row);
  }

  async find(tx: EntityManager, brandId: string, id: string): Promise<SmsTemplate | null> {
    const [r] = await tx.query('SELECT * FROM sms_templates WHERE id = $1 AND brand_id = $2', [id, brandId]);
    return r ? toTemplate(r) : null;
  }

  async findByCode(
    tx: EntityManager,
    vendor: SmsVendor,
    templateCode: string,
    signName: string,
  ): Promise<SmsTemplate | null> {
    const [r] = await tx.query(
      'SELECT * FROM sms_templates WHERE vendor = $1 AND template_code = $2 AND sign_name = $3',
      [vendor, templateCode, signName],
    );
    return r ? toTemplate(r) : null;
  }

  async list(tx: EntityManager, brandId: string): Promise<SmsTemplate[]> {
    const rows = await tx.query(
      'SELECT * FROM sms_templates WHERE brand_id = $1 ORDER BY vendor, template_code, sign_name',
      [brandId],
    );
    return rows.map(toTemplate);
  }

  /** A vendor template no longer listed by the vendor is marked rejected, never deleted (campaigns cite it). */
  async markUnlistedRejected(
    tx: EntityManager,
    brandId: string,
    vendor: SmsVendor,
    listedCodes: string[],
  ): Promise<number> {
    // A CTE, so the driver answers rows (a bare UPDATE answers [rows, count]).
    const [{ n }]: { n: number }[] = await tx.query(
      `WITH u AS (UPDATE sms_templates SET vendor_status = 'rejected', updated_at = now()
                   WHERE brand_id = $1 AND vendor = $2 AND source = 'synced' AND vendor_status <> 'rejected'
                     AND NOT (template_code = ANY($3::text[]))
                  RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [brandId, vendor, listedCodes],
    );
    return n;
  }
}
