import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus registry and every metric Siyu exposes on /metrics. Services increment
 * these directly (`siyuMetrics.sends.inc({ channel: 'sms', outcome: 'submitted' })`); labels carry
 * names of things (service, route pattern, channel, reason), never ids or personal data (R16).
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'siyu_process_' });

const registers = [metricsRegistry];

export const siyuMetrics = {
  httpDuration: new Histogram({
    name: 'siyu_http_request_duration_seconds',
    help: 'HTTP request latency by service, method, route pattern (never the raw path) and status',
    labelNames: ['service', 'method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  }),
  outboxBacklog: new Gauge({
    name: 'siyu_outbox_backlog',
    help: 'Committed events not yet published by the outbox relay',
    labelNames: ['service'] as const,
    registers,
  }),
  outboxOldestAge: new Gauge({
    name: 'siyu_outbox_oldest_age_seconds',
    help: 'Age of the oldest unpublished outbox row (0 when empty)',
    labelNames: ['service'] as const,
    registers,
  }),
  outboxPublished: new Gauge({
    name: 'siyu_outbox_published_position',
    help: 'Highest outbox id the relay has published (monotonic; rate() is the relay throughput in events/s)',
    labelNames: ['service'] as const,
    registers,
  }),
  consumerLag: new Gauge({
    name: 'siyu_consumer_lag_messages',
    help: 'Messages a consumer group has yet to process, per topic and partition',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers,
  }),
  deadLetters: new Gauge({
    name: 'siyu_dead_letters',
    help: 'Messages a consumer set aside after its retries (they need a person)',
    labelNames: ['service'] as const,
    registers,
  }),
  consentWatermarkAge: new Gauge({
    name: 'siyu_consent_watermark_age_seconds',
    help: "Age of outreach's oldest consent watermark: how far its consent projection may be behind",
    labelNames: ['service'] as const,
    registers,
  }),
  importRows: new Counter({
    name: 'siyu_import_rows_total',
    help: 'Order export rows read by imports, by platform and outcome (accepted | rejected); rate() is rows/s',
    labelNames: ['platform', 'outcome'] as const,
    registers,
  }),
  // R20: alert on siyu_audit_chain_intact == 0 (a chain broken or its verifier unreachable).
  auditChainIntact: new Gauge({
    name: 'siyu_audit_chain_intact',
    help: 'Per hash chain: 1 when the last scheduled verification found it intact, 0 when broken or unreachable',
    labelNames: ['chain'] as const,
    registers,
  }),
  // R15: alert on siyu_processor_deletions_unconfirmed > 0 (an agency never confirmed deleting after its grant).
  processorDeletionsUnconfirmed: new Gauge({
    name: 'siyu_processor_deletions_unconfirmed',
    help: 'Ended processor grants escalated because the agency has not confirmed deleting the data',
    registers,
  }),
  auditChainVerifications: new Counter({
    name: 'siyu_audit_chain_verifications_total',
    help: 'Verifications over every hash chain, by trigger (scheduled, on_demand) and outcome (intact, failed)',
    labelNames: ['trigger', 'outcome'] as const,
    registers,
  }),
  imports: new Counter({
    name: 'siyu_imports_total',
    help: 'Import jobs finished, by platform and status',
    labelNames: ['platform', 'status'] as const,
    registers,
  }),
  sends: new Counter({
    name: 'siyu_sends_total',
    help: 'Messages handed to a channel, by channel and outcome',
    labelNames: ['channel', 'outcome'] as const,
    registers,
  }),
  gateRefusals: new Counter({
    name: 'siyu_send_gate_refusals_total',
    help: 'Sends the send gate refused right before dispatch, by reason',
    labelNames: ['reason'] as const,
    registers,
  }),
  withdrawalToSuppression: new Histogram({
    name: 'siyu_withdrawal_to_suppression_seconds',
    help: "Time from a withdrawal's commit in the consent ledger to its effect committed in a service (outreach: the send gate refuses; audience: data deleted)",
    labelNames: ['service'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers,
  }),
};

/** One finished import job: its rows by outcome (rate() of siyu_import_rows_total is rows/s) and its status. */
export function recordImportJob(
  platform: string,
  status: 'completed' | 'failed',
  counts: { rows: number; rejectedRows: number },
): void {
  siyuMetrics.importRows.inc(
    { platform, outcome: 'accepted' },
    Math.max(0, counts.rows - counts.rejectedRows),
  );
  siyuMetrics.importRows.inc({ platform, outcome: 'rejected' }, counts.rejectedRows);
  siyuMetrics.imports.inc({ platform, status });
}

/**
 * A withdrawal's effect has committed in `service`: observe the time since the ledger entry
 * (`effectiveAt` is the ledger's time, stamped in the transaction that committed the withdrawal).
 * Call after the effect's transaction commits (an inbox effect's after-commit callback).
 */
export function recordWithdrawalApplied(service: string, effectiveAt: string, now: Date = new Date()): void {
  const seconds = (now.getTime() - Date.parse(effectiveAt)) / 1000;
  if (Number.isFinite(seconds))
    siyuMetrics.withdrawalToSuppression.observe({ service }, Math.max(0, seconds));
}
