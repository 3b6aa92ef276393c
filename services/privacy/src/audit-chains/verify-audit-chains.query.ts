import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { PRIVACY_DB, PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { AuditChainHeadRepository, type SeenHead } from './audit-chain-heads.repository';
import { AuditChainRunRepository, type RunTrigger } from './audit-chain-runs.repository';
import { AUDIT_CHAINS, type AuditChain } from './audit-chains';
import type { AuditChainResult, AuditChainsResponse } from './audit-chains.response';
import { ownAddress } from './own-address';

/** What a service's verifier answers: the shared audit verdict, or consent's ledger verdict. */
interface ServiceVerdict {
  intact: boolean;
  entries: number;
  brokenSeq?: string | number;
  truncatedAfterSeq?: string | number;
  problems?: string[];
  headSeq?: string;
  headHash?: string;
}

interface Answer {
  result: AuditChainResult;
  /** The chain's head as its verifier reported it, to keep as the witness when intact. */
  head?: SeenHead;
}

const TIMEOUT_MS = 60_000;

/**
 * R20: one verification over every chain. Each service verifies its own chain with its own database
 * role (privacy never reads another service's tables); privacy asks each verifier over HTTP with the
 * officer's own credentials, so a service answers only what that officer may see. In the standalone
 * app every service is in this process, so the default address is this process's own port;
 * `auditVerifyBaseUrls` names each service's address when they run apart. Privacy passes each audit
 * chain the head it last saw intact, so removed newest entries show (docs/privacy/audit-trail.md).
 */
@Injectable()
export class VerifyAuditChains {
  constructor(
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly http: HttpAdapterHost,
    private readonly heads: AuditChainHeadRepository,
    private readonly runs: AuditChainRunRepository,
  ) {}

  /**
   * `authorization`: the officer's own bearer token (on demand) or privacy's machine token (scheduled,
   * VerifyAuditChainsOnSchedule). Every run is recorded; the answer also carries the latest
   * scheduled run, so a failure found at night shows in the morning.
   */
  async execute(authorization: string, trigger: RunTrigger = 'on_demand'): Promise<AuditChainsResponse> {
    const checkedAt = new Date().toISOString();
    const seen = await this.heads.all(this.ds.manager);
    const answers = await Promise.all(AUDIT_CHAINS.map((c) => this.ask(c, authorization, seen.get(c.chain))));
    const chains = answers.map((a) => a.result);
    const intact = chains.every((c) => c.state === 'intact');
    const lastScheduledRun = await this.ds.transaction(async (tx) => {
      // Only an intact chain's head becomes the witness: a broken one keeps being reported.
      for (const { result, head } of answers)
        if (result.state === 'intact' && head) await this.heads.record(tx, result.chain, head);
      await this.runs.record(tx, { checkedAt, trigger, intact, chains, problems: [] });
      return this.runs.findLatest(tx, 'scheduled');
    });
    const response: AuditChainsResponse = { intact, checkedAt, chains };
    if (lastScheduledRun)
      response.lastScheduledRun = {
        checkedAt: lastScheduledRun.checkedAt,
        intact: lastScheduledRun.intact,
        failing: lastScheduledRun.chains.filter((c) => c.state !== 'intact'),
        problems: lastScheduledRun.problems,
      };
    return response;
  }

  private async ask(chain: AuditChain, authorization: string, seen?: SeenHead): Promise<Answer> {
    const base = this.options.auditVerifyBaseUrls?.[chain.service] ?? ownAddress(this.http);
    const named = { chain: chain.chain, service: chain.service };
    const unreachable = (why: string): Answer => ({
      result: { ...named, state: 'unreachable', problems: [why] },
    });
    if (!base) return unreachable('privacy has no address for this verifier');
    const query =
      chain.witnessed && seen ? `?${new URLSearchParams({ knownSeq: seen.seq, knownHash: seen.hash })}` : '';
    let response: Response;
    try {
      response = await fetch(`${base}${chain.path}${query}`, {
        headers: { authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      const why = (err as Error).name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000} s` : 'refused';
      return unreachable(`GET ${chain.path} at ${base}: ${why}`);
    }
    if (!response.ok) return unreachable(`GET ${chain.path} at ${base} answered HTTP ${response.status}`);
    const v = (await response.json()) as ServiceVerdict;
    const result: AuditChainResult = {
      ...named,
      state: v.intact ? 'intact' : 'broken',
      entries: v.entries,
      problems: v.problems ?? [],
    };
    if (v.brokenSeq !== undefined && v.brokenSeq !== null) result.brokenSeq = String(v.brokenSeq);
    if (v.truncatedAfterSeq !== undefined && v.truncatedAfterSeq !== null)
      result.truncatedAfterSeq = String(v.truncatedAfterSeq);
    if (!v.intact && result.problems.length === 0 && result.brokenSeq)
      result.problems = [`entry seq ${result.brokenSeq} does not follow from its content and predecessor`];
    const head = v.headSeq && v.headHash ? { seq: v.headSeq, hash: v.headHash } : undefined;
    return { result, head };
  }
}
