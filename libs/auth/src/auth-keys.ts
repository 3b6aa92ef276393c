import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';

/** Identity signs with the private key; every service verifies with the public key only. */
export interface AuthKeys {
  publicKey: KeyObject;
  privateKey?: KeyObject;
}

export function generateAuthKeyPem(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function authKeysFromPem(publicKeyPem: string, privateKeyPem?: string): AuthKeys {
  return {
    publicKey: createPublicKey(publicKeyPem),
    privateKey: privateKeyPem ? createPrivateKey(privateKeyPem) : undefined,
  };
}
