/** The services whose chains privacy verifies (R20); identity keeps no audit_log today. */
export const CHAIN_SERVICES = ['consent', 'orders', 'audience', 'outreach', 'privacy'] as const;
export type ChainService = (typeof CHAIN_SERVICES)[number];

export interface AuditChain {
  /** Stable name the privacy officer sees. */
  chain: string;
  service: ChainService;
  /** The service's own verifier (each verifies its chain with its own database role). */
  path: string;
  /**
   * Privacy passes the head it last saw intact (`knownSeq`/`knownHash`). The consent ledger does not
   * need it: its signed anchors show removed newest entries.
   */
  witnessed: boolean;
}

/** Every hash chain in Siyu: the consent ledger and each service's audit trail of PII reads. */
export const AUDIT_CHAINS: readonly AuditChain[] = [
  { chain: 'consent-ledger', service: 'consent', path: '/api/v1/consent/ledger/verify', witnessed: false },
  ...CHAIN_SERVICES.map((service) => ({
    chain: `${service}-audit`,
    service,
    path: `/api/v1/${service}/audit/verify`,
    witnessed: true,
  })),
];

/**
 * `consent=http://consent:3002,orders=http://orders:3001` → base URLs by service; unknown names and
 * malformed URLs are refused at start-up with the offending entry named.
 */
export function chainBaseUrlsFromEnv(value: string | undefined): Partial<Record<ChainService, string>> {
  if (!value) return {};
  const urls: Partial<Record<ChainService, string>> = {};
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, url] = entry.split(/=(.*)/s, 2);
    if (!(CHAIN_SERVICES as readonly string[]).includes(name))
      throw new Error(`PRIVACY_AUDIT_VERIFY_URLS: "${name}" is not one of ${CHAIN_SERVICES.join(', ')}`);
    if (!url || !/^https?:\/\/[^/]+\/?$/.test(url))
      throw new Error(`PRIVACY_AUDIT_VERIFY_URLS: "${entry}" must be service=http(s)://host:port`);
    urls[name as ChainService] = url.replace(/\/$/, '');
  }
  return urls;
}
