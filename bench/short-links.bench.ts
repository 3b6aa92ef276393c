/**
 * What the short links of ADR 0008 save: SMS parts per message for realistic marketing templates,
 * and the parcel-card QR code's version and size, long signed link vs short link. The links come
 * from the real classes (UnsubscribeLinks, ParcelCardLinks) with real keys; parts are counted as
 * carriers bill them (countSmsParts: 70 characters in one part, 67 per part beyond). Not a test.
 *
 *   npm run bench:short-links
 */
import 'reflect-metadata';
import QRCode from 'qrcode';
import { generateSecretsEnv, loadTokenSigner } from '../libs/crypto/src';
import { SAMPLE_SHORT_CODE } from '../libs/short-links/src';
import { ParcelCardLinks } from '../services/orders/src/short-links/parcel-card-links';
import type { OutreachModuleOptions } from '../services/outreach/src/outreach.options';
import { countSmsParts, renderSms } from '../services/outreach/src/templates/template-rules';
import { UnsubscribeLinks } from '../services/outreach/src/templates/unsubscribe-links';

const HOSTS = ['https://m.siyutea.cn', 'http://127.0.0.1:3000'];
const SUBJECT = '7f3c2a90-5b1e-4c8d-9a6f-0e2b4d6f8a1c';
const ORDER = 'c0ffee00-1234-4abc-8def-0123456789ab';
// Realistic marketing SMS (广告 label, offer, opt-out text), shortest to longest.
const TEMPLATES: Record<string, string> = {
  'short notice': '广告 冬季新茶到店，会员9折。退订${unsubscribe_link} 回T退订',
  'typical offer':
    '广告 思语会员日：全场满299减50，老会员加赠白茶试饮装一份，12月12日24点截止。退订${unsubscribe_link} 回T退订',
  'long offer':
    '广告 亲爱的会员，年末答谢季开启：全场满299减50、满599减120，购买任意礼盒加赠定制茶杯一只，会员积分双倍，活动至12月31日。退订${unsubscribe_link} 回T退订',
};

const env = generateSecretsEnv();
const sms: string[][] = [
  ['host', 'template', 'long link chars', 'short link chars', 'parts before', 'parts after', 'saved'],
];
const qr: string[][] = [['host', 'link', 'URL chars', 'QR version', 'modules']];
for (const host of HOSTS) {
  const options = {
    env: { ...env, SHORT_LINK_BASE_URL: host },
    brand: { id: 'siyu-tea', signature: '思语茶铺' },
    publicBaseUrl: host,
  } as unknown as OutreachModuleOptions;
  const links = new UnsubscribeLinks(options);
  const long = links.linkFor(SUBJECT, 'sms', 'marketing_messages');
  const short = links.sample();
  for (const [name, content] of Object.entries(TEMPLATES)) {
    const render = (link: string) =>
      renderSms('sandbox', '思语茶铺', content, ['unsubscribe_link'], { unsubscribe_link: link });
    const before = countSmsParts(render(long)).parts;
    const after = countSmsParts(render(short)).parts;
    sms.push([
      host,
      name,
      String(long.length),
      String(short.length),
      String(before),
      String(after),
      String(before - after),
    ]);
  }
  const card = new ParcelCardLinks(loadTokenSigner(env, 'INVITE'), {
    brandId: 'siyu-tea',
    publicBaseUrl: host,
    env: {},
  });
  const cardLinks: [string, string][] = [
    ['long /q/<token>', card.longUrl(ORDER).url],
    ['short /c/<code>', `${host}/c/${SAMPLE_SHORT_CODE}`],
  ];
  for (const [name, url] of cardLinks) {
    const code = QRCode.create(url, { errorCorrectionLevel: 'M' });
    qr.push([
      host,
      name,
      String(url.length),
      String(code.version),
      `${code.modules.size}×${code.modules.size}`,
    ]);
  }
}

const table = (rows: string[][]) =>
  rows
    .map((r, i) => `| ${r.join(' | ')} |${i === 0 ? `\n|${r.map(() => '---').join('|')}|` : ''}`)
    .join('\n');
console.log('SMS parts per message (carrier counting: 70 chars in one part, 67 per part beyond)\n');
console.log(table(sms));
console.log('\nParcel-card QR code (error correction M, as the cards print it)\n');
console.log(table(qr));
