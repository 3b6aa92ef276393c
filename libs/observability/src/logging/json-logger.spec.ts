import { JsonLogger, requestContext } from './json-logger';

function capture(format: 'json' | 'text' = 'json') {
  const lines: string[] = [];
  return {
    lines,
    logger: new JsonLogger({ service: 'orders', brand: 'demo', format, sink: (l) => lines.push(l) }),
  };
}

describe('JsonLogger', () => {
  it('writes one JSON line per event with time, level, service, brand and the request id', () => {
    const { lines, logger } = capture();
    requestContext.run({ requestId: 'req-1' }, () =>
      logger.event('info', 'import finished', { rows: 3 }, 'imports'),
    );
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'info',
      service: 'orders',
      brand: 'demo',
      requestId: 'req-1',
      context: 'imports',
      msg: 'import finished',
      rows: 3,
    });
  });

  it('redacts listed PII fields at any depth, whatever their spelling', () => {
    const { lines, logger } = capture();
    logger.event('info', 'row rejected', {
      row: 7,
      receiver_name: '王小明',
      detail: { Receiver_Address: '浙江省杭州市西湖区文三路100号', buyerNick: 'tb_alice' },
      contacts: [{ phone: '138****1111' }],
    });
    const line = lines[0];
    for (const value of ['王小明', '文三路', 'tb_alice', '1111']) expect(line).not.toContain(value);
    expect(JSON.parse(line)).toMatchObject({ row: 7, receiver_name: '[redacted]' });
  });

  it('withholds a line in which the PII detector still finds an unmasked phone, e-mail or resident id', () => {
    const { lines, logger } = capture();
    logger.log('failed to reach 13912345678 about order 3012345678901234567', 'sms');
    logger.warn('bounce from alice@example.com');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toMatch(/13912345678|alice@example\.com|3012345678901234567/);
      expect(JSON.parse(line).level).toBe('error');
    }
    expect(JSON.parse(lines[0]).msg).toBe('log line withheld: it contained mobile_phone');
  });

  it('masks partly masked phones in messages, which are still personal data (R1)', () => {
    const { lines, logger } = capture('text');
    logger.log('[sandbox sms] to 139****5678: 验证码123456', 'announce');
    expect(lines[0]).toContain('to 1**********:');
    expect(lines[0]).not.toContain('5678');
  });

  it("keeps Nest's start-up chatter out of info and never logs an error's stack", () => {
    const { lines, logger } = capture();
    logger.log('Mapped {/api/v1/health, GET} route', 'RouterExplorer');
    logger.error('boom', 'Error: boom\n    at secret (file.ts:1:1)', 'http');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', msg: 'boom', context: 'http' });
    expect(lines[0]).not.toContain('file.ts');
  });
});
