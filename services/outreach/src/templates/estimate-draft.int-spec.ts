import request from 'supertest';
import { adminQuery, bearer } from '@siyu/testing';
import { OutreachHarness } from '../../test/outreach-harness';

describe('the estimate of a template being typed (the console counts parts with the API)', () => {
  const h = new OutreachHarness();

  beforeAll(async () => h.start());
  afterAll(async () => h.stop());

  const estimate = async (content: string, kind = 'marketing') =>
    (
      await request(h.http)
        .post('/api/v1/outreach/templates/estimate')
        .set('Authorization', await h.marketer())
        .send({ vendor: 'sandbox', signName: '示例品牌', content, kind, variables: { discount: '8折' } })
        .expect(200)
    ).body;

  it('renders the text as received, counts characters and billed parts, prices them, and stores nothing', async () => {
    const short = await estimate('广告 会员价${discount} 回T退订', 'notification');
    expect(short).toMatchObject({ text: '【示例品牌】广告 会员价8折 回T退订', parts: 1, problems: [] });
    expect(short.characters).toBe([...short.text].length);
    const long = await estimate(`广告 会员价\${discount} 回T退订${'冬'.repeat(70)}`, 'notification');
    expect(long.parts).toBe(Math.ceil(long.characters / 67));
    expect(long.costFenPerRecipient).toBeGreaterThan(short.costFenPerRecipient);
    expect(await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.sms_templates')).toEqual([]);
  });

  it('names what declaring it would be refused for while it is typed: a marketing text without opt-out', async () => {
    const draft = await estimate('广告 冬季新品 ${unsubscribe_link}');
    expect(draft.problems).toEqual([
      'marketing template lacks the reply opt-out text ("回T退订" or "拒收请回复R") (R9)',
    ]);
    expect(draft.text).toContain('/t/'); // the unsubscribe link as a sample
  });

  it('is for marketers and admins only', async () => {
    await request(h.http)
      .post('/api/v1/outreach/templates/estimate')
      .set('Authorization', await bearer(h.authKeys, 'ops'))
      .send({ vendor: 'sandbox', signName: '示例品牌', content: 'x', kind: 'notification' })
      .expect(403);
  });
});
