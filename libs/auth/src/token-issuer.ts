import { jwtVerify, SignJWT } from 'jose';
import type { AuthKeys } from './auth-keys';
import {
  PROCESSOR_GRANT_FIELDS,
  PROCESSOR_GRANT_PURPOSES,
  type ProcessorGrantField,
  type ProcessorGrantPurpose,
  type ProcessorGrantScope,
} from '@siyu/contracts';
import { MACHINE_ROLES, STAFF_ROLES, type Actor, type Role } from './roles';

export const TOKEN_ISSUER = 'siyu-identity';
export const TOKEN_AUDIENCE = 'siyu-api';

export async function issueAccessToken(
  keys: AuthKeys,
  actor: Actor,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: string }> {
  if (!keys.privateKey) throw new Error('this process holds no signing key; only identity issues tokens');
  let exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  if (actor.role === 'processor') {
    if (!actor.grant) throw new Error('a processor token needs its grant');
    // R15: a processor's token never outlives its grant.
    exp = Math.min(exp, Math.floor(Date.parse(actor.grant.until) / 1000));
  }
  const claims: Record<string, unknown> = { role: actor.role, kind: actor.kind };
  if (actor.grant) claims.grant = actor.grant;
  const token = await new SignJWT(claims)
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
    if (role !== 'processor') return { id: payload.sub, role: role as Role, kind };
    // R15: a processor token without a well-formed grant is no token at all.
    const grant = grantScope(payload.grant);
    return grant && kind === 'machine' ? { id: payload.sub, role: 'processor', kind, grant } : null;
  } catch {
    return null;
  }
}

const GRANT_FIELDS = new Set<string>(PROCESSOR_GRANT_FIELDS);
const GRANT_PURPOSES = new Set<string>(PROCESSOR_GRANT_PURPOSES);

function grantScope(claim: unknown): ProcessorGrantScope | null {
  if (!claim || typeof claim !== 'object') return null;
  const g = claim as Record<string, unknown>;
  if (typeof g.id !== 'string' || typeof g.purpose !== 'string' || !GRANT_PURPOSES.has(g.purpose))
    return null;
  if (typeof g.until !== 'string' || Number.isNaN(Date.parse(g.until))) return null;
  if (!Array.isArray(g.fields) || !g.fields.every((f) => typeof f === 'string' && GRANT_FIELDS.has(f)))
    return null;
  return {
    id: g.id,
    purpose: g.purpose as ProcessorGrantPurpose,
    fields: g.fields as ProcessorGrantField[],
    until: g.until,
  };
}
