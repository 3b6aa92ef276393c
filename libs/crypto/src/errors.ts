export enum CryptoErrorCode {
  INVALID_KEY = 'INVALID_KEY',
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  UNKNOWN_KEY = 'UNKNOWN_KEY',
  MALFORMED_CIPHERTEXT = 'MALFORMED_CIPHERTEXT',
  DECRYPT_FAILED = 'DECRYPT_FAILED',
  TOKEN_MALFORMED = 'TOKEN_MALFORMED',
  TOKEN_BAD_SIGNATURE = 'TOKEN_BAD_SIGNATURE',
  TOKEN_EXPIRED = 'TOKEN_EXPIRED',
  TOKEN_WRONG_PURPOSE = 'TOKEN_WRONG_PURPOSE',
  TOKEN_UNKNOWN_KEY = 'TOKEN_UNKNOWN_KEY',
}

/** Messages name keys by kid and inputs by role, never by value: no key material, plaintext or tokens. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';

  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
  }
}
