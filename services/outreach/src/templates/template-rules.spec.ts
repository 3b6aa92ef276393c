import { checkTemplate, countSmsParts, renderSms } from './template-rules';

const good = '广告 冬季会员价${offer_code}，详见${short_link} 退订${unsubscribe_link} 回T退订';

describe('SMS template rules (issue 17 §1)', () => {
  it('accepts a marketing template with the opt-out text, the unsubscribe variable and the 广告 label', () => {
    const r = checkTemplate({ vendor: 'aliyun', signName: '示例品牌', content: good, kind: 'marketing' });
    expect(r).toEqual({ variables: ['offer_code', 'short_link', 'unsubscribe_link'], problems: [] });
  });

  it('refuses a marketing template without 回T退订 / 拒收请回复R, naming what is missing', () => {
    const r = checkTemplate({
      vendor: 'aliyun',
      signName: '示例品牌',
      content: '广告 冬季会员价${offer_code} ${unsubscribe_link}',
      kind: 'marketing',
    });
    expect(r.problems).toEqual([
      'marketing template lacks the reply opt-out text ("回T退订" or "拒收请回复R") (R9)',
    ]);
    expect(
      checkTemplate({
        vendor: 'aliyun',
        signName: '示例品牌',
        content: '广告 会员价${offer_code} ${unsubscribe_link} 拒收请回复R',
        kind: 'marketing',
      }).problems,
    ).toEqual([]);
  });

  it('refuses a marketing template without the unsubscribe-link variable or the 广告/定推 label', () => {
    const r = checkTemplate({
      vendor: 'aliyun',
      signName: '示例品牌',
      content: '冬季会员价${offer_code} 回T退订',
      kind: 'marketing',
    });
    expect(r.problems).toEqual([
      'marketing template lacks the unsubscribe-link variable ${unsubscribe_link} (R9)',
      'marketing template lacks the 广告 or 定推 label for targeted content (R11)',
    ]);
  });

  it('never allows a name, phone or address as a variable, and names variables outside the allow-list', () => {
    const r = checkTemplate({
      vendor: 'aliyun',
      signName: '示例品牌',
      content: '${name}您好，${phone} ${address} ${weather}',
      kind: 'notification',
    });
    expect(r.problems).toEqual([
      'variable "name" is personal information and can never be a template variable (R16)',
      'variable "phone" is personal information and can never be a template variable (R16)',
      'variable "address" is personal information and can never be a template variable (R16)',
      'variable "weather" is not in the allow-list (offer_code, store_name, short_link, date, product_name, price, discount, unsubscribe_link)',
    ]);
  });

  it('holds the sign name to 2–16 characters without brackets', () => {
    expect(
      checkTemplate({ vendor: 'aliyun', signName: '品', content: 'x', kind: 'notification' }).problems,
    ).toEqual(['signName "品" has 1 characters; carriers accept 2–16']);
    expect(
      checkTemplate({
        vendor: 'aliyun',
        signName: '一二三四五六七八九十一二三四五六七',
        content: 'x',
        kind: 'notification',
      }).problems[0],
    ).toContain('has 17 characters');
    expect(
      checkTemplate({ vendor: 'aliyun', signName: '【品牌】', content: 'x', kind: 'notification' }).problems,
    ).toContain('signName must not contain brackets: 【】 are added when sending');
  });

  it('asks names for Tencent positional variables and checks them like named ones', () => {
    const content = '广告 会员价{1} 退订{2} 回T退订';
    expect(
      checkTemplate({ vendor: 'tencent', signName: '示例品牌', content, kind: 'marketing' }).problems,
    ).toContain('positional variables {1}, {2} need names (variableNames, in position order)');
    expect(
      checkTemplate({ vendor: 'tencent', signName: '示例品牌', content, kind: 'marketing' }, [
        'offer_code',
        'unsubscribe_link',
      ]),
    ).toEqual({ variables: ['offer_code', 'unsubscribe_link'], problems: [] });
    expect(
      renderSms('tencent', '示例品牌', content, ['offer_code', 'unsubscribe_link'], {
        offer_code: 'A1',
        unsubscribe_link: 'u.cn/x',
      }),
    ).toBe('【示例品牌】广告 会员价A1 退订u.cn/x 回T退订');
  });

  it('counts as carriers do: 70 characters in one part, 67 per part beyond, signature included', () => {
    const sign = '【示例品牌】'; // 6 characters
    expect(countSmsParts(sign + 'a'.repeat(64))).toEqual({ characters: 70, parts: 1 });
    expect(countSmsParts(sign + 'a'.repeat(65))).toEqual({ characters: 71, parts: 2 });
    expect(countSmsParts(sign + '字'.repeat(128))).toEqual({ characters: 134, parts: 2 });
    expect(countSmsParts(sign + '字'.repeat(129))).toEqual({ characters: 135, parts: 3 });
    // An emoji is one character to the carrier, two UTF-16 units to JavaScript.
    expect(countSmsParts('😀'.repeat(70)).parts).toBe(1);
  });
});
