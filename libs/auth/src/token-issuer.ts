import { jwtVerify, SignJWT } from 'jose';
import type { AuthKeys } from './auth-keys';
import { MACHINE_ROLES, STAFF_ROLES, type Actor, type Role } from './roles';

export const TOKEN_ISSUER = 'siyu-identity';
export const TOKEN_AUDIENCE = 'siyu-api';

export async function issueAccessToken(
  keys: AuthKeys,
  actor: Actor,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: string }> {
  if (!keys.privateKey) throw new Error('this process holds no signing key; only identity issues tokens');
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  const token = await new SignJWT({ role: actor.role, kind: actor.kind })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(actor.id)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(keys.privateKey);
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

const KNOWN_ROLES = new Set<string>([...STAFF_ROLES, ...MACHINE_ROLES]);

/** Returns the actor, or null for any bad, expired or foreign token. */
export async function verifyAccessToken(keys: AuthKeys, token: string): Promise<Actor | null> {
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      algorithms: ['EdDSA'],
    });
    const role = payload.role;
    const kind = payload.kind;
    if (typeof payload.sub !== 'string' || typeof role !== 'string' || !KNOWN_ROLES.has(role)) return null;
    if (kind !== 'staff' && kind !== 'machine') return null;
    return { id: payload.sub, role: role as Role, kind };
  } catch {
    return null;
  }
}
