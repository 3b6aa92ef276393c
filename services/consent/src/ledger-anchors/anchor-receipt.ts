import { canonicalJson, type SigningKeyRing } from '@siyu/crypto';

export const RECEIPT_TYPE = 'siyu.ledger-anchor.v1';

/** A signed statement "the head of this brand's ledger was seq N with hash H at time T" (R20). */
export interface LedgerAnchor {
  brandId: string;
  seq: number;
  hash: string;
  /** ISO 8601. */
  at: string;
  kid: string;
  /** base64url Ed25519 over `signedPayload(anchor)`. */
  signature: string;
}

export interface AnchorReceipt extends LedgerAnchor {
  type: typeof RECEIPT_TYPE;
}

/** Exactly the bytes signed: canonical JSON of everything but the signature. */
export function signedPayload(a: Omit<LedgerAnchor, 'signature'>): string {
  return canonicalJson({
    type: RECEIPT_TYPE,
    brandId: a.brandId,
    seq: a.seq,
    hash: a.hash,
    at: a.at,
    kid: a.kid,
  });
}

export function signAnchor(
  keys: SigningKeyRing,
  head: Omit<LedgerAnchor, 'kid' | 'signature'>,
): LedgerAnchor {
  const kid = keys.current.kid;
  const { signature } = keys.sign(signedPayload({ ...head, kid }));
  return { ...head, kid, signature };
}

export function anchorSignatureHolds(keys: SigningKeyRing, a: LedgerAnchor): boolean {
  return keys.verify(signedPayload(a), { kid: a.kid, signature: a.signature });
}

/**
 * What the privacy officer keeps outside Siyu: the receipt, the exact payload signed and the public
 * key, so it can be checked later with any Ed25519 tool, without Siyu.
 */
export function receiptFor(keys: SigningKeyRing, a: LedgerAnchor) {
  return {
    receipt: { type: RECEIPT_TYPE, ...a } satisfies AnchorReceipt,
    signedPayload: signedPayload(a),
    algorithm: 'Ed25519',
    publicKeyPem: keys.publicKeyPem(a.kid),
  };
}
