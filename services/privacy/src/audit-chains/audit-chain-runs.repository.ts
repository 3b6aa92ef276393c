import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditChainResult } from './audit-chains.response';

export type RunTrigger = 'scheduled' | 'on_demand';

export interface AuditChainRun {
  checkedAt: string;
  trigger: RunTrigger;
  intact: boolean;
  chains: AuditChainResult[];
  /** Why the run could not ask the verifiers at all (e.g. the machine key was refused). */
  problems: string[];
}

/** Results of each verification over every chain (R20); results carry seqs and hashes, no PII. */
@Injectable()
export class AuditChainRunRepository {
  async record(tx: EntityManager, run: AuditChainRun): Promise<void> {
    await tx.query(
      'INSERT INTO audit_chain_runs (checked_at, trigger, intact, results) VALUES ($1, $2, $3, $4)',
      [
        run.checkedAt,
        run.trigger,
        run.intact,
        JSON.stringify({ chains: run.chains, problems: run.problems }),
      ],
    );
  }

  async findLatest(tx: EntityManager, trigger: RunTrigger): Promise<AuditChainRun | null> {
    const [row] = await tx.query(
      'SELECT checked_at, trigger, intact, results FROM audit_chain_runs WHERE trigger = $1 ORDER BY checked_at DESC, id DESC LIMIT 1',
      [trigger],
    );
    if (!row) return null;
    return {
      checkedAt: new Date(row.checked_at).toISOString(),
      trigger: row.trigger,
      intact: row.intact,
      chains: row.results.chains ?? [],
      problems: row.results.problems ?? [],
    };
  }
}
