import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { canonicalJson } from '@siyu/crypto';
import { NOTICE_LOCALES, type NoticeContent, type NoticeLocale, type PublishedNotice } from './notice';

/** The content hash a consent records (R5): what the customer was shown, byte for byte. */
export function noticeHash(content: NoticeContent): string {
  return createHash('sha256')
    .update(canonicalJson(content as unknown as Record<string, unknown>))
    .digest('hex');
}

const COLUMNS = 'id, brand_id, version, locale, content, content_hash, published_at';

/** Notices are insert-only (a trigger refuses UPDATE and DELETE); versions count per brand and locale. */
export class NoticeRepository {
  async insertNextVersion(
    tx: EntityManager,
    brandId: string,
    locale: NoticeLocale,
    content: NoticeContent,
  ): Promise<PublishedNotice> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`notice:${brandId}:${locale}`]);
    const [{ next }] = await tx.query(
      'SELECT coalesce(max(version), 0) + 1 AS next FROM notices WHERE brand_id = $1 AND locale = $2',
      [brandId, locale],
    );
    const id = randomUUID();
    const [row] = await tx.query(
      `INSERT INTO notices (id, brand_id, version, locale, content, content_hash) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING ${COLUMNS}`,
      [id, brandId, next, locale, JSON.stringify(content), noticeHash(content)],
    );
    return toNotice(row);
  }

  async findCurrent(
    tx: EntityManager,
    brandId: string,
    locale: NoticeLocale = 'zh-CN',
  ): Promise<PublishedNotice | null> {
    const [row] = await tx.query(
      `SELECT ${COLUMNS} FROM notices WHERE brand_id = $1 AND locale = $2 ORDER BY version DESC LIMIT 1`,
      [brandId, locale],
    );
    return row ? toNotice(row) : null;
  }

  /** The locales this brand has published a notice in, zh-CN first: the only ones its pages offer. */
  async publishedLocales(tx: EntityManager, brandId: string): Promise<NoticeLocale[]> {
    const rows: { locale: NoticeLocale }[] = await tx.query(
      'SELECT DISTINCT locale FROM notices WHERE brand_id = $1',
      [brandId],
    );
    return NOTICE_LOCALES.filter((l) => rows.some((r) => r.locale === l));
  }

  async findByHash(tx: EntityManager, brandId: string, contentHash: string): Promise<PublishedNotice | null> {
    const [row] = await tx.query(`SELECT ${COLUMNS} FROM notices WHERE brand_id = $1 AND content_hash = $2`, [
      brandId,
      contentHash,
    ]);
    return row ? toNotice(row) : null;
  }

  /** Every version of every locale, zh-CN first, newest first within a locale. */
  async listVersions(tx: EntityManager, brandId: string): Promise<PublishedNotice[]> {
    const rows = await tx.query(
      `SELECT ${COLUMNS} FROM notices WHERE brand_id = $1
        ORDER BY CASE locale WHEN 'zh-CN' THEN 0 WHEN 'en' THEN 1 ELSE 2 END, version DESC`,
      [brandId],
    );
    return rows.map(toNotice);
  }
}

function toNotice(row: Record<string, any>): PublishedNotice {
  return {
    id: row.id,
    brandId: row.brand_id,
    version: row.version,
    locale: row.locale,
    content: row.content,
    contentHash: row.content_hash,
    publishedAt: new Date(row.published_at).toISOString(),
  };
}
