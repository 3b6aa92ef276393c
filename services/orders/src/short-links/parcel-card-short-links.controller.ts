import { shortLinkRedirectController } from '@siyu/short-links';
import { ORDERS_DB } from '../orders.options';
import {
  PARCEL_CARD_SHORT_LINK_KIND,
  PARCEL_CARD_SHORT_LINK_PATH,
  ParcelCardLinks,
} from './parcel-card-links';

/** GET /c/<code>: what the parcel-card QR code opens; redirects to consent's QR page (R7 door b). */
export const ParcelCardShortLinksController = shortLinkRedirectController({
  name: 'ParcelCardShortLinksController',
  path: PARCEL_CARD_SHORT_LINK_PATH,
  kind: PARCEL_CARD_SHORT_LINK_KIND,
  tag: 'customer pages',
  db: ORDERS_DB,
  target: ParcelCardLinks,
  expired: {
    title: { zh: '二维码已过期', en: 'This QR code has expired' },
    sentence: {
      zh: '这张包裹卡上的二维码已过期，无法再用来加入会员。您的收货和售后不受任何影响。',
      en: 'The QR code on this parcel card has expired and can no longer be used to join. Your delivery and after-sales service are not affected.',
    },
  },
});
