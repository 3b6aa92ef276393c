import { scanPushForPii } from './push-pii-scan';

describe('scanPushForPii (R1)', () => {
  it('names the field inside nested JSON text and counts list items, without values', () => {
    const body = JSON.stringify({
      id: '9001',
      content: JSON.stringify({
        tid: '4001000000000000001',
        receiver_mobile: '137****5678',
        buyer_message: '请联系 13912340000 或 a.b@example.com',
        orders: [{ title: '茶 礼盒' }, { title: '茶 13800001111' }, { title: '茶' }],
      }),
    });
    const report = scanPushForPii(body);
    expect(report).toEqual({
      'content.buyer_message': { kinds: ['mobile_phone', 'email'], count: 1 },
      'content.orders[].title': { kinds: ['mobile_phone'], count: 1 },
    });
    expect(JSON.stringify(report)).not.toMatch(/13912340000|example\.com|13800001111/);
  });

  it('opens URL-encoded JSON (Youzan msg) and reports nothing for masked data and long ids', () => {
    const msg = encodeURIComponent(
      JSON.stringify({
        address_info: { receiver_tel: '13712345678', receiver_name: '赵*' },
        tid: 'E2026112012345678901234',
      }),
    );
    expect(scanPushForPii(JSON.stringify({ msg_id: 'm1', msg }))).toEqual({
      'msg.address_info.receiver_tel': { kinds: ['mobile_phone'], count: 1 },
    });
    expect(scanPushForPii(JSON.stringify({ id: '1', content: '{"receiver_mobile":"138****5678"}' }))).toEqual(
      {},
    );
  });
});
