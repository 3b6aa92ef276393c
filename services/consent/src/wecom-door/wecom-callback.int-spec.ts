import { FakeWecomServer, wecomXml } from '@siyu/testing';
import { readWecomCredentials } from './wecom-credentials';
import { parseWecomEvent, WecomCallbackVerifier } from './wecom-callback';

const CORP_ID = 'ww00000000fake0001';
const TOKEN = 'fakeCallbackToken';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

let fake: FakeWecomServer;
let verifier: WecomCallbackVerifier;

beforeAll(async () => {
  fake = await FakeWecomServer.start({ corpId: CORP_ID, secret: 's', token: TOKEN, encodingAesKey: AES_KEY });
  verifier = new WecomCallbackVerifier(
    readWecomCredentials({
      WECOM_CORP_ID: CORP_ID,
      WECOM_SECRET: 's',
      WECOM_TOKEN: TOKEN,
      WECOM_AES_KEY: AES_KEY,
    })!,
  );
});
afterAll(async () => {
  await fake.close();
});

const deletion = {
  ToUserName: CORP_ID,
  FromUserName: 'sys',
  CreateTime: '1796630400',
  MsgType: 'event',
  Event: 'change_external_contact',
  ChangeType: 'del_follow_user',
  UserID: 'zhangsan',
  ExternalUserID: 'wmEXAMPLEexternal0001',
};

describe('WeCom callbacks, signed and encrypted as WeCom does', () => {
  it('opens an event the fake encrypted and reads a customer deleting the staff member', () => {
    const { query, body } = fake.encryptedCallback(wecomXml(deletion));
    const xml = verifier.openMessage(query, body);

    expect(parseWecomEvent(xml)).toEqual({
      kind: 'customer_deleted_staff',
      staffUserId: 'zhangsan',
      externalUserId: 'wmEXAMPLEexternal0001',
      at: new Date(1796630400 * 1000),
    });
  });

  it('reads a new contact with the QR code state it came from (adding staff is not consent)', () => {
    const { query, body } = fake.encryptedCallback(
      wecomXml({
        ...deletion,
        ChangeType: 'add_external_contact',
        State: 'card:o-123',
        WelcomeCode: 'WELCOMECODE',
      }),
    );
    expect(parseWecomEvent(verifier.openMessage(query, body))).toEqual(
      expect.objectContaining({ kind: 'contact_added', state: 'card:o-123', welcomeCode: 'WELCOMECODE' }),
    );
  });

  it('answers the URL check with the decrypted echostr', () => {
    const q = fake.urlCheck('5927782489442352469');
    expect(verifier.verifyUrl(q)).toBe('5927782489442352469');
  });

  it('strips WeCom’s 32-byte PKCS#7 padding for every message length', () => {
    for (let n = 0; n <= 70; n++) {
      const message = '消'.repeat(n % 5) + 'x'.repeat(n);
      const { query, body } = fake.encryptedCallback(message);
      expect(verifier.openMessage(query, body)).toBe(message);
    }
  });

  it('refuses a callback signed with another token', () => {
    const { query, body } = fake.encryptedCallback(wecomXml(deletion), { token: 'not-our-token' });
    expect(() => verifier.openMessage(query, body)).toThrow('msg_signature does not verify');
  });

  it('refuses a ciphertext changed after signing', () => {
    const { query, body } = fake.encryptedCallback(wecomXml(deletion), { tamper: true });
    expect(() => verifier.openMessage(query, body)).toThrow('WeCom callback refused');
  });

  it('refuses a message encrypted for another corp id', () => {
    const { query, body } = fake.encryptedCallback(wecomXml(deletion), { corpId: 'wwSOMEONEELSE' });
    expect(() => verifier.openMessage(query, body)).toThrow('the message is for another corp id');
  });

  it('refuses a replay older than 10 minutes', () => {
    const { query, body } = fake.encryptedCallback(wecomXml(deletion), {
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(() => verifier.openMessage(query, body)).toThrow('replay');
  });

  it('refuses a body without <Encrypt> and an event without the ids it needs, precisely', () => {
    expect(() =>
      verifier.openMessage({ msg_signature: 'a', timestamp: '1', nonce: '1' }, '<xml></xml>'),
    ).toThrow('the body has no <Encrypt> element');
    const { ExternalUserID: _omit, ...noId } = deletion;
    expect(() => parseWecomEvent(wecomXml(noId))).toThrow('del_follow_user without UserID or ExternalUserID');
  });
});
