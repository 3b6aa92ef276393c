import { generatePassword, hashPassword, passwordMatches, spendPasswordCheck } from './passwords';

describe('passwords', () => {
  it('hashes with argon2id and verifies only the same password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await passwordMatches(hash, 'correct horse battery staple')).toBe(true);
    expect(await passwordMatches(hash, 'correct horse battery stapler')).toBe(false);
  });

  it('generates 24-character base64url passwords that differ every time', () => {
    const passwords = new Set(Array.from({ length: 50 }, generatePassword));
    expect(passwords.size).toBe(50);
    for (const p of passwords) expect(p).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it('the check spent for an unknown user never succeeds', async () => {
    expect(await spendPasswordCheck('anything at all')).toBe(false);
  });
});
