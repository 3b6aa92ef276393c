export { CryptoError, CryptoErrorCode } from './errors';
export {
  asSealed,
  generateDataKey,
  isSealed,
  KeyEncryptionKey,
  KeyRing,
  open,
  seal,
  type Sealed,
  type WrappedKey,
} from './envelope';
export { BlindIndex } from './blind-index';
export { ContactKey, ContactKeyRing, type SealedContact } from './contact-keys';
export { type SignOptions, type TokenPayload, TokenSigner, TokenSigningKey } from './signed-token';
export {
  canonicalJson,
  CHAIN_GENESIS,
  chainHash,
  type ChainLink,
  type ChainVerdict,
  verifyChain,
} from './hash-chain';
export {
  generateKeyMaterial,
  loadBlindIndex,
  loadContactKeys,
  loadCryptoKeys,
  loadSigningKeys,
  loadTokenSigner,
} from './keys-from-env';
export { type Signature, SigningKey, SigningKeyRing } from './signing-keys';
export { generateSecretsEnv, requireSecret, SECRET_NAMES, type SecretsEnv } from './secrets';
export {
  signTopRequest,
  TIMESTAMP_WINDOW_SECONDS,
  type TopSignatureCheck,
  verifyTopSignature,
} from './top-signature';
export { SealedBoxRecipient, sealToRecipient } from './sealed-box';
