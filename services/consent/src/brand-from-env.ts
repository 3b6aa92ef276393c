import type { BrandProfile } from './consent.options';

/** One brand per deployment in this version: BRAND_ID, BRAND_NAME, BRAND_SIGNATURE, BRAND_CONTACT. */
export function brandFromEnv(env: Record<string, string | undefined>): BrandProfile {
  return {
    id: env.BRAND_ID ?? 'demo',
    name: env.BRAND_NAME ?? '示例品牌',
    signature: env.BRAND_SIGNATURE ?? '示例品牌',
    contact: env.BRAND_CONTACT ?? 'privacy@example.com',
  };
}
