import type { Response } from 'express';
import type { EntityManager } from 'typeorm';
import type { PublishedNotice } from '../notices/notice';
import type { NoticeRepository } from '../notices/notice.repository';
import { errorPage } from './consent-pages';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';

/** The notice every door-2 page shows; without one nobody can join (R5). */
export async function currentNotice(
  notices: NoticeRepository,
  tx: EntityManager,
  brandId: string,
): Promise<PublishedNotice> {
  const notice = await notices.findCurrent(tx, brandId);
  if (!notice) throw new QrConsentError(QrConsentErrorCode.NO_NOTICE, 'brand has no published notice');
  return notice;
}

/**
 * Answers a customer page in HTML. `ok` returning null means it already answered (a redirect).
 * A QrConsentError becomes the retry page when `retry` offers one, else an error page whose link
 * goes back to the card's first step for the codes in `restartOn`.
 */
export async function renderCustomerPage(
  res: Response,
  token: string,
  ok: () => Promise<string | null>,
  retry?: (err: QrConsentError) => Promise<string | null>,
  restartOn: QrConsentErrorCode[] = [QrConsentErrorCode.FORM_EXPIRED],
): Promise<void> {
  try {
    const html = await ok();
    if (html !== null) res.status(200).type('html').send(html);
  } catch (err) {
    if (!(err instanceof QrConsentError)) throw err;
    const again = retry ? await retry(err).catch(() => null) : null;
    const retryHref = restartOn.includes(err.code) ? `/q/${encodeURIComponent(token)}` : undefined;
    res
      .status(err.httpStatus)
      .type('html')
      .send(again ?? errorPage(err.customerMessage, err.customerTitle, retryHref));
  }
}
