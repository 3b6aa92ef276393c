import type { EntityManager } from 'typeorm';
import { newShortCode } from './short-code';

/** What a link stands for: opaque references only (the claims of the long signed token). */
export type ShortLinkClaims = Record<string, string>;

export interface ShortLinkRequest {
  kind: string;
  brandId: string;
  claims: ShortLinkClaims;
  expiresAt: Date;
}

export interface ShortLink {
  code: string;
  kind: string;
  brandId: string;
  claims: ShortLinkClaims;
  expiresAt: Date;
}

/** Expired links answer "expired" this long, then they are deleted. */
export const EXPIRED_LINKS_KEPT_DAYS = 30;
/** Rows per statement (array parameters: no bind-parameter limit, only memory). */
const ROWS_PER_STATEMENT = 5000;

/**
 * The only SQL on `short_links`. One link per (kind, brand, claims): issuing again returns the same
 * code and extends its life, so a member who gets many messages has one unsubscribe link, not many.
 */
export class ShortLinkRepository {
  /** Codes by request index, in one multi-row statement per 2,000 links. */
  async issue(tx: EntityManager, requests: ShortLinkRequest[]): Promise<string[]> {
    const keyOf = (r: ShortLinkRequest) => `${r.kind}\n${r.brandId}\n${canonical(r.claims)}`;
    // One row per key (ON CONFLICT may not touch a row twice), in key order so that two
    // transactions issuing overlapping links lock the rows in the same order (no deadlock).
    const unique = new Map<string, ShortLinkRequest>();
    for (const r of requests) {
      const prev = unique.get(keyOf(r));
      if (!prev || prev.expiresAt < r.expiresAt) unique.set(keyOf(r), r);
    }
    const rows = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const codes = new Map<string, string>();
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + ROWS_PER_STATEMENT).map(([, r]) => r);
      // Five array parameters whatever the count (a VALUES list of 5 parameters a row cost ~0.3 ms
      // a link to bind and plan: a campaign chunk's slowest step); rows inserted in key order.
      const returned: { code: string; kind: string; brand_id: string; claims: ShortLinkClaims }[] =
        await tx.query(
          `INSERT INTO short_links (code, kind, brand_id, claims, expires_at)
           SELECT v.code, v.kind, v.brand_id, v.claims::jsonb, v.expires_at
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
                  WITH ORDINALITY AS v (code, kind, brand_id, claims, expires_at, n)
            ORDER BY v.n
           ON CONFLICT (kind, brand_id, claims) DO UPDATE
             SET expires_at = greatest(short_links.expires_at, EXCLUDED.expires_at)
           RETURNING code, kind, brand_id, claims`,
          [
            chunk.map(() => newShortCode()),
            chunk.map((r) => r.kind),
            chunk.map((r) => r.brandId),
            chunk.map((r) => canonical(r.claims)),
            chunk.map((r) => r.expiresAt),
          ],
        );
      for (const r of returned)
        codes.set(
          keyOf({ kind: r.kind, brandId: r.brand_id, claims: r.claims, expiresAt: new Date() }),
          r.code,
        );
    }
    return requests.map((r) => codes.get(keyOf(r))!);
  }

  async find(tx: EntityManager, code: string): Promise<ShortLink | null> {
    const [row]: {
      code: string;
      kind: string;
      brand_id: string;
      claims: ShortLinkClaims;
      expires_at: Date;
    }[] = await tx.query('SELECT code, kind, brand_id, claims, expires_at FROM short_links WHERE code = $1', [
      code,
    ]);
    return row
      ? {
          code: row.code,
          kind: row.kind,
          brandId: row.brand_id,
          claims: row.claims,
          expiresAt: row.expires_at,
        }
      : null;
  }

  /** Links expired more than EXPIRED_LINKS_KEPT_DAYS ago; bounded, so issuing can call it as it goes. */
  async deleteLongExpired(tx: EntityManager, limit = 1000): Promise<number> {
    // TypeORM answers a DELETE with [rows, rowCount].
    const [, count]: [unknown[], number] = await tx.query(
      `DELETE FROM short_links WHERE code IN (
         SELECT code FROM short_links
          WHERE expires_at < now() - make_interval(days => $1) LIMIT $2)
       RETURNING code`,
      [EXPIRED_LINKS_KEPT_DAYS, limit],
    );
    return count;
  }
}

/** Sorted keys: the same claims always make the same jsonb text (and the same unique key). */
function canonical(claims: ShortLinkClaims): string {
  return JSON.stringify(Object.fromEntries(Object.entries(claims).sort(([a], [b]) => (a < b ? -1 : 1))));
}
