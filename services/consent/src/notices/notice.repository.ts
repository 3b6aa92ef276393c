import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { canonicalJson } from '@siyu/crypto';
import type { NoticeContent, PublishedNotice } from './notice';

export function noticeHash(content: NoticeContent): string {
  return createHash('sha256')
    .update(canonicalJson(content as unknown as Record<string, unknown>))
    .digest('hex');
}

export class NoticeRepository {
  async insertNextVersion(
    tx: EntityManager,
    brandId: string,
    locale: string,
    content: NoticeContent,
  ): Promise<PublishedNotice> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`notice:${brandId}`]);
    const [{ next }] = await tx.query(
      'SELECT coalesce(max(version), 0) + 1 AS next FROM notices WHERE brand_id = $1',
      [brandId],
    );
    const notice: PublishedNotice = {
      id: randomUUID(),
      brandId,
      version: next,
      locale,
      content,
      contentHash: noticeHash(content),
    };
    await tx.query(
      'INSERT INTO notices (id, brand_id, version, locale, content, content_hash) VALUES ($1, $2, $3, $4, $5, $6)',
      [notice.id, brandId, notice.version, locale, JSON.stringify(content), notice.contentHash],
    );
    return notice;
  }

  async findCurrent(tx: EntityManager, brandId: string): Promise<PublishedNotice | null> {
    const [row] = await tx.query(
      'SELECT id, brand_id, version, locale, content, content_hash FROM notices WHERE brand_id = $1 ORDER BY version DESC LIMIT 1',
      [brandId],
    );
    return row
      ? {
          id: row.id,
          brandId: row.brand_id,
          version: row.version,
          locale: row.locale,
          content: row.content,
          contentHash: row.content_hash,
        }
      : null;
  }
}
