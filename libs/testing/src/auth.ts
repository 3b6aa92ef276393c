import { randomUUID } from 'node:crypto';
import { authKeysFromPem, generateAuthKeyPem, issueAccessToken, type AuthKeys, type Role } from '@siyu/auth';
import { PROCESSOR_GRANT_FIELDS, type ProcessorGrantScope } from '@siyu/contracts';

export function testAuthKeys(): AuthKeys {
  const { publicKeyPem, privateKeyPem } = generateAuthKeyPem();
  return authKeysFromPem(publicKeyPem, privateKeyPem);
}

/**
 * A bearer header for a staff member (or machine) with the given role. A `processor` gets a grant of
 * every catalogue field for the next hour, unless `grant` narrows it (R15).
 */
export async function bearer(
  keys: AuthKeys,
  role: Role,
  id = `test-${role}-${randomUUID().slice(0, 8)}`,
  grant?: Partial<ProcessorGrantScope>,
): Promise<string> {
  const kind = role === 'platform' || role === 'processor' ? 'machine' : 'staff';
  const scope: ProcessorGrantScope | undefined =
    role === 'processor'
      ? {
          id: randomUUID(),
          purpose: 'campaign_planning',
          fields: [...PROCESSOR_GRANT_FIELDS],
          until: new Date(Date.now() + 3_600_000).toISOString(),
          ...grant,
        }
      : undefined;
  const { token } = await issueAccessToken(keys, { id, role, kind, grant: scope }, 600);
  return `Bearer ${token}`;
}
