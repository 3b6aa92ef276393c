import { recogniseOptOut } from './sms-keywords';

describe('SMS opt-out keywords (R9)', () => {
  it.each([
    'T',
    't',
    'TD',
    'td',
    ' Td ',
    'ＴＤ',
    '退订',
    '退订。',
    '【退订】',
    'R',
    'n',
    'STOP',
    'stop!',
    '取消',
    'T.',
  ])('recognises %j as an opt-out', (reply) => {
    expect(recogniseOptOut(reply)).not.toBeNull();
  });

  it.each(['', 'hello', 'TDD', '不要退订我', 'T D X', '12345', '退订吗好的'])(
    'does not act on %j',
    (reply) => {
      expect(recogniseOptOut(reply)).toBeNull();
    },
  );
});
