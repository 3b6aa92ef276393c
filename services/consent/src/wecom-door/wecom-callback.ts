import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { WecomDoorError, WecomDoorErrorCode } from './wecom-door.errors';
import type { WecomCredentials } from './wecom-credentials';

export interface WecomCallbackQuery {
  msg_signature: string;
  timestamp: string;
  nonce: string;
}

/**
 * What the brand's WeCom callback URL (consent's `/webhooks/wecom`) cares about. Adding the brand's staff member is NOT consent (R6, R7): it
 * only opens the door to the consent page the welcome message links to. A customer deleting the
 * staff member (`del_follow_user`) withdraws the WeCom channel in consent.
 */
export type WecomEvent =
  | {
      kind: 'contact_added';
      staffUserId: string;
      externalUserId: string;
      state?: string;
      welcomeCode?: string;
      at: Date;
    }
  | { kind: 'customer_deleted_staff'; staffUserId: string; externalUserId: string; at: Date }
  | { kind: 'staff_deleted_customer'; staffUserId: string; externalUserId: string; at: Date }
  | { kind: 'other'; event: string; changeType?: string; at: Date };

/** Replayed callbacks older than this are refused (WeCom retries a failed push within seconds). */
const MAX_AGE_S = 600;

/**
 * Verifies and decrypts WeCom callbacks as WeCom's WXBizMsgCrypt does: msg_signature = SHA-1 of the
 * sorted [Token, timestamp, nonce, Encrypt]; Encrypt = base64(AES-256-CBC(key = base64(EncodingAESKey
 * + "="), IV = key[0..16), PKCS#7 padded to 32 bytes)) of 16 random bytes + 4-byte big-endian length +
 * message + the receiving corp id, which must be ours.
 */
export class WecomCallbackVerifier {
  private readonly key: Buffer;

  constructor(private readonly credentials: Pick<WecomCredentials, 'corpId' | 'token' | 'encodingAesKey'>) {
    this.key = Buffer.from(`${credentials.encodingAesKey}=`, 'base64');
    if (this.key.length !== 32)
      throw new WecomDoorError(
        WecomDoorErrorCode.NOT_CONFIGURED,
        'WECOM_AES_KEY does not decode to 32 bytes',
      );
  }

  /** GET on saving the callback URL: answer the decrypted echostr as the plain body. */
  verifyUrl(q: WecomCallbackQuery & { echostr: string }, now = new Date()): string {
    this.checkSignature(q, q.echostr, now);
    return this.decrypt(q.echostr);
  }

  /** POST: the inner XML of the event, once signature, corp id and padding check out. */
  openMessage(q: WecomCallbackQuery, body: string, now = new Date()): string {
    const encrypt = xmlField(body, 'Encrypt');
    if (!encrypt) throw bad('the body has no <Encrypt> element');
    this.checkSignature(q, encrypt, now);
    return this.decrypt(encrypt);
  }

  private checkSignature(q: WecomCallbackQuery, encrypt: string, now: Date): void {
    if (!q.msg_signature || !q.timestamp || !q.nonce)
      throw bad('msg_signature, timestamp and nonce are required');
    const ts = Number(q.timestamp);
    if (!Number.isFinite(ts) || Math.abs(now.getTime() / 1000 - ts) > MAX_AGE_S) {
      throw bad('timestamp is more than 10 minutes away from now (replay?)');
    }
    const expected = createHash('sha1')
      .update([this.credentials.token, q.timestamp, q.nonce, encrypt].sort().join(''))
      .digest();
    const given = Buffer.from(q.msg_signature, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw bad('msg_signature does not verify');
  }

  private decrypt(encrypt: string): string {
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.key.subarray(0, 16));
      decipher.setAutoPadding(false);
      plain = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
    } catch {
      throw bad('Encrypt is not AES-256-CBC ciphertext under our EncodingAESKey');
    }
    const pad = plain[plain.length - 1];
    // WeCom pads to 32-byte blocks (not AES's 16): pad value 1..32, every pad byte equal.
    if (
      !(pad >= 1 && pad <= 32) ||
      plain.length < 20 + pad ||
      plain.subarray(plain.length - pad).some((b) => b !== pad)
    ) {
      throw bad('bad PKCS#7 padding (32-byte blocks)');
    }
    const content = plain.subarray(16, plain.length - pad);
    const len = content.readUInt32BE(0);
    if (4 + len > content.length) throw bad('message length exceeds the plaintext');
    const message = content.subarray(4, 4 + len).toString('utf8');
    const receiver = content.subarray(4 + len).toString('utf8');
    if (receiver !== this.credentials.corpId) throw bad('the message is for another corp id');
    return message;
  }
}

/** The external-contact events of the inner XML (Event=change_external_contact). */
export function parseWecomEvent(xml: string): WecomEvent {
  const event = xmlField(xml, 'Event') ?? '';
  const changeType = xmlField(xml, 'ChangeType');
  const created = Number(xmlField(xml, 'CreateTime') ?? NaN);
  if (!Number.isFinite(created)) throw badPayload('CreateTime is missing or not a number');
  const at = new Date(created * 1000);
  if (event === 'change_external_contact' && changeType) {
    const staffUserId = xmlField(xml, 'UserID');
    const externalUserId = xmlField(xml, 'ExternalUserID');
    if (!staffUserId || !externalUserId) throw badPayload(`${changeType} without UserID or ExternalUserID`);
    if (changeType === 'add_external_contact') {
      const state = xmlField(xml, 'State');
      const welcomeCode = xmlField(xml, 'WelcomeCode');
      return {
        kind: 'contact_added',
        staffUserId,
        externalUserId,
        ...(state ? { state } : {}),
        ...(welcomeCode ? { welcomeCode } : {}),
        at,
      };
    }
    if (changeType === 'del_follow_user')
      return { kind: 'customer_deleted_staff', staffUserId, externalUserId, at };
    if (changeType === 'del_external_contact')
      return { kind: 'staff_deleted_customer', staffUserId, externalUserId, at };
  }
  return { kind: 'other', event, ...(changeType ? { changeType } : {}), at };
}

function xmlField(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${tag}>`).exec(xml);
  return m ? (m[1] ?? m[2]) : undefined;
}

function bad(message: string): WecomDoorError {
  return new WecomDoorError(WecomDoorErrorCode.SIGNATURE_INVALID, `WeCom callback refused: ${message}`);
}

function badPayload(message: string): WecomDoorError {
  return new WecomDoorError(WecomDoorErrorCode.BODY_INVALID, `WeCom event refused: ${message}`);
}
