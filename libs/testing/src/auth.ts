import { randomUUID } from 'node:crypto';
import { authKeysFromPem, generateAuthKeyPem, issueAccessToken, type AuthKeys, type Role } from '@siyu/auth';

export function testAuthKeys(): AuthKeys {
  const { publicKeyPem, privateKeyPem } = generateAuthKeyPem();
  return authKeysFromPem(publicKeyPem, privateKeyPem);
}

/** A bearer header for a staff member (or machine) with the given role. */
export async function bearer(
  keys: AuthKeys,
  role: Role,
  id = `test-${role}-${randomUUID().slice(0, 8)}`,
): Promise<string> {
  const { token } = await issueAccessToken(
    keys,
    { id, role, kind: role === 'platform' ? 'machine' : 'staff' },
    600,
  );
  return `Bearer ${token}`;
}
