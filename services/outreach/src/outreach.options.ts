import type { DataSource } from 'typeorm';
import type { Channel } from '@siyu/contracts';
import type { MessageTransport } from '@siyu/messaging';
import type { SmsVendor, SmsVendorChannel } from './channels/sms-vendor.channel';

/** A frequency cap per member and channel: `days` is a rolling window; without it, the natural month. */
export interface FrequencyCap {
  max: number;
  days?: number;
}

export interface OutreachModuleOptions {
  adminDatabaseUrl: string;
  transport: MessageTransport;
  env: Record<string, string | undefined>;
  brand: { id: string; signature: string };
  /** Where customer links point (the consent service's public pages). */
  publicBaseUrl: string;
  announce?: (line: string) => void;
  /** Invariant 4: dispatch only while the consent projection is at most this stale (default 1 s). */
  freshnessBoundMs?: number;
  /** How long a run waits for a stale projection to catch up before pausing (default 10 s). */
  freshnessWaitMs?: number;
  /** SMS vendors besides the sandbox (tests, benchmarks, and Aliyun/Tencent when configured). */
  smsChannels?: (ds: DataSource) => SmsVendorChannel[];
  /** Marketing frequency caps (default: SMS 4 per 30 days, WeCom 4 per natural month, WeChat none). */
  frequencyCaps?: Partial<Record<Channel, FrequencyCap | null>>;
  /** Messages per second per vendor (token bucket; default 3,000). */
  vendorRatePerSecond?: Partial<Record<SmsVendor, number>>;
  /** The brand's time zone: quiet hours for a recipient whose own zone is not known (default Asia/Shanghai). */
  timeZone?: string;
  /** The campaign runner (background job). */
  runner?: {
    /** How often it looks for due campaigns and runs (default 250 ms); 0 = not started. */
    pollMs?: number;
    /** Recipients per gate query (default 500). */
    chunkSize?: number;
    /** How long a claimed run stays with one process without renewal (default 15 s). */
    leaseMs?: number;
    /**
     * Gate the next chunk while this one is at the vendor (default true). `false` works one chunk
     * at a time, as before: the benchmark's same-run baseline for the pipelining.
     */
    pipelined?: boolean;
  };
  /** Reconciling sends in doubt. */
  reconcile?: {
    /**
     * A WeCom send in doubt whose task WeCom does not list this long after our call was never
     * created: it goes back to planned (default 120 s, well past the call's timeout).
     */
    wecomNotFoundAfterMs?: number;
    /**
     * A WeChat send in doubt with no send-result event this long after dispatch counts as handed to
     * WeChat (`submitted`, `wechat_unconfirmed`), never resent; also how far before the event a send
     * matched by member + template may have been dispatched (default 15 min, ADR 0017).
     */
    wechatResultWaitMs?: number;
  };
  /** Benchmarks only: `off-for-benchmark` skips every gate check, to measure the gate's overhead. */
  sendGate?: 'on' | 'off-for-benchmark';
}

export const OUTREACH_OPTIONS = 'OUTREACH_OPTIONS';
export const OUTREACH_DB = 'OUTREACH_DB';

export const DEFAULT_FREQUENCY_CAPS: Record<Channel, FrequencyCap | null> = {
  sms: { max: 4, days: 30 },
  wecom: { max: 4 },
  wechat: null,
};
