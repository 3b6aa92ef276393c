import type { EntityManager } from 'typeorm';
import type { TokenSigner } from '@siyu/crypto';
import { NOTICE_LOCALES, type NoticeLocale, type PublishedNotice } from '../notices/notice';
import type { NoticeRepository } from '../notices/notice.repository';
import { shownNoticeBinding } from '../customer-pages/consent-pages';
import { checkFormNonce, issueFormNonce, type PublicForm } from '../customer-pages/form-nonce';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';

/** The notice an agree form was rendered with: what the customer read, in the language they read it. */
export interface ShownNotice {
  locale: NoticeLocale;
  contentHash: string;
}

/** The nonce for an agree form, bound to the notice it shows (R5). */
export function issueAgreeNonce(
  signer: TokenSigner,
  form: PublicForm,
  token: string,
  notice: PublishedNotice,
): string {
  return issueFormNonce(signer, form, token, shownNoticeBinding(notice));
}

/**
 * Reads the hidden `lang` and `notice` fields of an agree form and checks them against the nonce
 * the server issued with that page: a missing or foreign nonce is a stale form (FORM_EXPIRED); a
 * genuine nonce with other values means the fields were changed (NOTICE_MISMATCH). Either way
 * nothing is written.
 */
export function readShownNotice(
  signer: TokenSigner,
  form: PublicForm,
  token: string,
  body: Record<string, unknown> | undefined,
): ShownNotice {
  const locale = NOTICE_LOCALES.find((l) => l === body?.lang);
  const hash =
    typeof body?.notice === 'string' && /^[0-9a-f]{64}$/.test(body.notice) ? body.notice : undefined;
  const shown = locale && hash ? { locale, contentHash: hash } : undefined;
  const check = checkFormNonce(signer, form, token, body?.nonce, shown ? `${locale}:${hash}` : '');
  if (check === 'invalid')
    throw new QrConsentError(QrConsentErrorCode.FORM_EXPIRED, 'form nonce missing or invalid');
  if (check === 'tampered' || !shown)
    throw new QrConsentError(QrConsentErrorCode.NOTICE_MISMATCH, 'notice or locale field changed');
  return shown;
}

/**
 * R5: a grant records the notice the customer was shown. It must be this brand's notice in the
 * locale the page was in, and still its current version (a newer one may say something else: the
 * customer reads that first).
 */
export async function confirmShownNotice(
  notices: NoticeRepository,
  tx: EntityManager,
  brandId: string,
  shown: ShownNotice,
): Promise<PublishedNotice> {
  const notice = await notices.findByHash(tx, brandId, shown.contentHash);
  if (!notice || notice.locale !== shown.locale)
    throw new QrConsentError(QrConsentErrorCode.NOTICE_MISMATCH, 'no such notice in that locale');
  const current = await notices.findCurrent(tx, brandId, notice.locale);
  if (current?.contentHash !== notice.contentHash)
    throw new QrConsentError(QrConsentErrorCode.NOTICE_CHANGED, 'a newer notice version was published');
  return notice;
}
