import { shortLinkRedirectController } from '@siyu/short-links';
import { OUTREACH_DB } from '../outreach.options';
import { UNSUBSCRIBE_SHORT_LINK_KIND, UNSUBSCRIBE_SHORT_LINK_PATH } from '../templates/unsubscribe-links';
import { UnsubscribeShortLinkTarget } from './unsubscribe-short-link.target';

/** GET /t/<code>: the short unsubscribe link in every marketing SMS (R9). */
export const UnsubscribeShortLinksController = shortLinkRedirectController({
  name: 'UnsubscribeShortLinksController',
  path: UNSUBSCRIBE_SHORT_LINK_PATH,
  kind: UNSUBSCRIBE_SHORT_LINK_KIND,
  tag: 'customer pages',
  db: OUTREACH_DB,
  target: UnsubscribeShortLinkTarget,
  expired: {
    title: { zh: '退订链接已过期', en: 'This unsubscribe link has expired' },
    sentence: {
      zh: '这个退订链接已过期，无法再使用。如需退订，请回复短信“T”，或点击我们最近一条短信中的退订链接。',
      en: 'This unsubscribe link has expired and can no longer be used. To unsubscribe, reply T to our text message, or use the link in our most recent message.',
    },
  },
});
