import { Logger, type InjectionToken, type Provider } from '@nestjs/common';
import type { SigningKeyRing } from '@siyu/crypto';
import { recurringJobProvider } from '@siyu/persistence';
import type { DataSource } from 'typeorm';
import { AuditEntries } from './audit-entries';
import { anchorAuditHead, auditAnchorKeysFromEnv, type AuditAnchor } from './audit-anchors';

const logger = new Logger('audit-anchor');

/** One service's signed anchors (R20): its key and its database; injected by its audit verifier. */
export class AuditAnchors {
  constructor(
    readonly service: string,
    readonly keys: SigningKeyRing | null,
    private readonly ds: DataSource,
  ) {}

  /** Anchors the head now, unless already anchored; null when there is no key or no entry yet. */
  async anchorNow(now: Date = new Date()): Promise<{ anchor: AuditAnchor; recorded: boolean } | null> {
    const keys = this.keys;
    if (!keys) return null;
    return this.ds.transaction((tx) => anchorAuditHead(tx, this.service, keys, now));
  }
}

export interface AuditAnchorWiring<O> {
  /** Lower-case service name: the key is `<SERVICE>_AUDIT_ANCHOR_SIGNING_KEYS`. */
  service: string;
  /** The service's options token and its database token. */
  options: InjectionToken;
  db: InjectionToken;
  /** Where the options keep the environment the keys come from. */
  env: (options: O) => Record<string, string | undefined> | undefined;
}

/**
 * `AuditAnchors` and `AuditEntries` (the listing next to verify), plus the job that anchors the head every AUDIT_ANCHOR_INTERVAL_MS (off when unset or
 * 0, as in tests, which anchor on demand; `npm start` and docker-compose set it). List them in the
 * providers of the module whose verifier injects AuditAnchors.
 */
export function auditAnchorProviders<O>(w: AuditAnchorWiring<O>): Provider[] {
  return [
    {
      provide: AuditAnchors,
      inject: [w.options, w.db],
      useFactory: (options: O, ds: DataSource) =>
        new AuditAnchors(w.service, auditAnchorKeysFromEnv(w.env(options) ?? {}, w.service), ds),
    },
    { provide: AuditEntries, inject: [w.db], useFactory: (ds: DataSource) => new AuditEntries(ds) },
    recurringJobProvider<[O, AuditAnchors]>({
      provide: `${w.service}.audit-anchor-job`,
      inject: [w.options, AuditAnchors],
      schedule: (options, anchors) => ({
        everyMs: anchors.keys ? Number(w.env(options)?.AUDIT_ANCHOR_INTERVAL_MS ?? 0) : 0,
        run: () => anchors.anchorNow(),
      }),
      onError: (err) => logger.warn(`${w.service} audit anchor run failed: ${(err as Error).message}`),
    }),
  ];
}
