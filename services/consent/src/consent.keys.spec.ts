import { generateSecretsEnv } from '@siyu/crypto';
import { ConsentKeys, customerLinkEnv } from './consent.keys';

describe('the customer-link key (signs unsubscribe and preference links)', () => {
  const secrets = generateSecretsEnv() as Record<string, string | undefined>;
  const other = generateSecretsEnv() as Record<string, string | undefined>;

  it('is read from CUSTOMER_LINK_TOKEN_KEYS', () => {
    const env = {
      ...secrets,
      UNSUBSCRIBE_TOKEN_KEYS: undefined,
      CUSTOMER_LINK_TOKEN_KEYS: secrets.UNSUBSCRIBE_TOKEN_KEYS,
    };
    const token = new ConsentKeys(env).customerLinks.sign(
      { s: 'x' },
      { purpose: 'preferences', expiresInSeconds: 60 },
    );
    expect(new ConsentKeys(secrets).customerLinks.verify(token, 'preferences')).toMatchObject({ s: 'x' });
  });

  it('still accepts the old name UNSUBSCRIBE_TOKEN_KEYS alone, so existing deployments keep working', () => {
    expect(customerLinkEnv({ UNSUBSCRIBE_TOKEN_KEYS: secrets.UNSUBSCRIBE_TOKEN_KEYS })).toEqual({
      CUSTOMER_LINK_TOKEN_KEYS: secrets.UNSUBSCRIBE_TOKEN_KEYS,
    });
  });

  it('refuses to start when both names are set to different keys (outreach would sign links consent rejects)', () => {
    expect(() =>
      customerLinkEnv({
        CUSTOMER_LINK_TOKEN_KEYS: secrets.UNSUBSCRIBE_TOKEN_KEYS,
        UNSUBSCRIBE_TOKEN_KEYS: other.UNSUBSCRIBE_TOKEN_KEYS,
      }),
    ).toThrow(/differ/);
  });

  it('fails at start when neither name is set', () => {
    expect(() => new ConsentKeys({ ...secrets, UNSUBSCRIBE_TOKEN_KEYS: undefined })).toThrow(
      /CUSTOMER_LINK_TOKEN_KEYS/,
    );
  });
});
