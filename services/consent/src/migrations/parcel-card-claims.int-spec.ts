import { randomUUID } from 'node:crypto';
import { MessagingTables1763900000000 } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { createTestDatabase } from '@siyu/testing';
import { LedgerRepository } from '../ledger/ledger.repository';
import { ParcelCardClaimRepository } from '../qr-consent/parcel-card-claim.repository';
import { ConsentInitial1763900000100 } from './1763900000100-consent-initial';
import { MembershipWebhooks1763900000800 } from './1763900000800-membership-webhooks';
import { SmsVendorReplies1763900000810 } from './1763900000810-sms-vendor-replies';
import { WechatEvents1763900000820 } from './1763900000820-wechat-events';
import { ConsentNoticesImmutable1763900000900 } from './1763900000900-consent-notices-immutable';
import { ConsentExpiries1763900001200 } from './1763900001200-consent-expiries';
import { LedgerEvidenceDigest1763900002200 } from './1763900002200-ledger-evidence-digest';
import { LedgerAnchors1763900002210 } from './1763900002210-ledger-anchors';
import { ParcelCardClaims1763900002310 } from './1763900002310-parcel-card-claims';

const BEFORE = [
  MessagingTables1763900000000,
  ConsentInitial1763900000100,
  MembershipWebhooks1763900000800,
  SmsVendorReplies1763900000810,
  WechatEvents1763900000820,
  ConsentNoticesImmutable1763900000900,
  ConsentExpiries1763900001200,
  LedgerEvidenceDigest1763900002200,
  LedgerAnchors1763900002210,
];

describe('parcel card claims for cards used before the claims table (issue 9 §4)', () => {
  it('claims each order already granted through its card, once, by its first grant, and nothing else', async () => {
    const adminUrl = await createTestDatabase('cardclaims');
    const db = await provisionServiceDatabase(adminUrl, 'consent');
    const before = await openServiceDataSource({ database: db, entities: [], migrations: BEFORE });
    const ledger = new LedgerRepository();
    const twice = randomUUID();
    const withdrawn = randomUUID();
    const grant = (subjectRef: string, door: 'parcel_qr' | 'membership_join', orderRef?: string) =>
      before.transaction((tx) =>
        ledger.append(tx, {
          brandId: 'demo',
          subjectRef,
          action: 'granted',
          purposes: ['marketing_messages'],
          channels: ['sms'],
          noticeHash: 'a'.repeat(64),
          door,
          evidence: orderRef ? { tokenId: 't', orderRef } : { evidenceRef: 'e' },
        }),
      );
    // The defect this table closes: one card, two subjects.
    const first = await grant(randomUUID(), 'parcel_qr', twice);
    await grant(randomUUID(), 'parcel_qr', twice);
    const quitter = randomUUID();
    await grant(quitter, 'parcel_qr', withdrawn);
    await before.transaction((tx) =>
      ledger.append(tx, {
        brandId: 'demo',
        subjectRef: quitter,
        action: 'withdrawn',
        purposes: ['marketing_messages'],
        channels: ['sms'],
        source: 'sms_reply',
        evidence: {},
      }),
    );
    await grant(randomUUID(), 'membership_join');
    await before.destroy();

    const after = await openServiceDataSource({
      database: db,
      entities: [],
      migrations: [...BEFORE, ParcelCardClaims1763900002310],
    });
    try {
      const rows: { order_ref: string; claimed_at: Date }[] = await after.query(
        'SELECT order_ref, claimed_at FROM parcel_card_claims ORDER BY order_ref',
      );
      expect(rows.map((r) => r.order_ref).sort()).toEqual([twice, withdrawn].sort());
      expect(rows.find((r) => r.order_ref === twice)!.claimed_at.toISOString()).toBe(first.at);
      const cards = new ParcelCardClaimRepository();
      expect(await after.transaction((tx) => cards.claim(tx, 'demo', twice))).toBe(false);
      expect(await after.transaction((tx) => cards.claim(tx, 'demo', randomUUID()))).toBe(true);
    } finally {
      await after.destroy();
    }
  });
});
