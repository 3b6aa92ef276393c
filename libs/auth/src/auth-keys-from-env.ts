import { authKeysFromPem, type AuthKeys } from './auth-keys';

/** AUTH_PUBLIC_KEY (every service) and AUTH_PRIVATE_KEY (identity only), PEM; `\n` escapes allowed. */
export function authKeysFromEnv(env: Record<string, string | undefined>): AuthKeys {
  const pub = env.AUTH_PUBLIC_KEY?.replace(/\\n/g, '\n');
  if (!pub) throw new Error('AUTH_PUBLIC_KEY is not set');
  return authKeysFromPem(pub, env.AUTH_PRIVATE_KEY?.replace(/\\n/g, '\n'));
}
