import { LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS, LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  let now: number;
  const throttle = () => new LoginThrottle(() => now);
  beforeEach(() => (now = 1_000_000));

  it('admits ten attempts in the window and refuses the eleventh', () => {
    const t = throttle();
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) expect(t.admit('alice@1.2.3.4')).toBe(true);
    expect(t.admit('alice@1.2.3.4')).toBe(false);
  });

  it('admits again once the oldest failure is fifteen minutes old', () => {
    const t = throttle();
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) t.admit('alice@1.2.3.4');
    expect(t.retryAfterSeconds('alice@1.2.3.4')).toBe(LOGIN_FAILURE_WINDOW_MS / 1000);
    now += LOGIN_FAILURE_WINDOW_MS;
    expect(t.admit('alice@1.2.3.4')).toBe(true);
  });

  it('counts each username and address on its own', () => {
    const t = throttle();
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) t.admit('alice@1.2.3.4');
    expect(t.admit('alice@5.6.7.8')).toBe(true);
    expect(t.admit('bob@1.2.3.4')).toBe(true);
  });

  it('forgets earlier failures after a success', () => {
    const t = throttle();
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 1; i++) t.admit('alice@1.2.3.4');
    t.forget('alice@1.2.3.4');
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) expect(t.admit('alice@1.2.3.4')).toBe(true);
  });

  it('drops expired keys once many are held, so spraying usernames does not grow memory for ever', () => {
    const t = throttle();
    for (let i = 0; i < 10_001; i++) t.admit(`user${i}`);
    now += LOGIN_FAILURE_WINDOW_MS;
    t.admit('fresh');
    expect((t as unknown as { attempts: Map<string, number[]> }).attempts.size).toBe(1);
  });
});
