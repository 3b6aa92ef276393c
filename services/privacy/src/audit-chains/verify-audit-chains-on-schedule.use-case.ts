import { Inject, Injectable, Logger } from '@nestjs/common';
import { siyuMetrics } from '@siyu/observability';
import type { DataSource } from 'typeorm';
import { PRIVACY_DB } from '../privacy.options';
import { AuditChainRunRepository, type AuditChainRun } from './audit-chain-runs.repository';
import { AUDIT_CHAINS } from './audit-chains';
import { AuditorCredential } from './auditor-credential';
import { VerifyAuditChains } from './verify-audit-chains.query';

const logger = new Logger('audit-chains');

/**
 * R20: the scheduled verification over every chain, with privacy's machine credential. The result is
 * recorded (GET audit-chains shows the latest), every chain's state is a metric
 * (`siyu_audit_chain_intact`, alert on 0) and every failure a warning log line naming the chain and
 * the seqs (problems carry seqs and hashes, never personal data).
 */
@Injectable()
export class VerifyAuditChainsOnSchedule {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly credential: AuditorCredential,
    private readonly verify: VerifyAuditChains,
    private readonly runs: AuditChainRunRepository,
  ) {}

  async execute(): Promise<AuditChainRun> {
    const credential = await this.credential.authorization();
    let run: AuditChainRun;
    if ('problem' in credential) {
      run = {
        checkedAt: new Date().toISOString(),
        trigger: 'scheduled',
        intact: false,
        chains: [],
        problems: [credential.problem],
      };
      await this.runs.record(this.ds.manager, run);
      for (const c of AUDIT_CHAINS) siyuMetrics.auditChainIntact.set({ chain: c.chain }, 0);
      logger.warn(`R20 ALERT: scheduled audit-chain verification could not run: ${credential.problem}`);
    } else {
      const result = await this.verify.execute(credential.authorization, 'scheduled');
      run = { ...result, trigger: 'scheduled', problems: [] };
      for (const c of result.chains) {
        siyuMetrics.auditChainIntact.set({ chain: c.chain }, c.state === 'intact' ? 1 : 0);
        if (c.state !== 'intact')
          logger.warn(`R20 ALERT: audit chain ${c.chain} is ${c.state}: ${c.problems.join('; ')}`);
      }
    }
    siyuMetrics.auditChainVerifications.inc({
      trigger: 'scheduled',
      outcome: run.intact ? 'intact' : 'failed',
    });
    return run;
  }
}
