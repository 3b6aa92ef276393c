import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { siyuMetrics, type ReadinessCheck } from '@siyu/observability';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { ConsentProjectionRepository } from '../consent-projection/consent-projection.repository';
import { SendGate } from './send-gate';

/**
 * Outreach is ready to send only while the send gate would find its consent projection current
 * (invariant 4): the same verdict the gate gives before each dispatch, not a second definition.
 */
@Injectable()
export class ConsentWatermarkReadiness implements ReadinessCheck {
  readonly name = 'consent-watermark';

  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly gate: SendGate,
    private readonly projection: ConsentProjectionRepository,
  ) {}

  async check() {
    const fresh = await this.gate.projectionIsFresh(this.ds.manager, this.options.transport);
    const ageSeconds = await this.projection.oldestWatermarkAgeSeconds(this.ds.manager);
    if (ageSeconds !== null) siyuMetrics.consentWatermarkAge.set({ service: 'outreach' }, ageSeconds);
    return {
      up: fresh,
      details: {
        oldestWatermarkAgeSeconds: ageSeconds,
        boundMs: this.options.freshnessBoundMs ?? 1000,
        ...(fresh ? {} : { message: 'consent projection not known to be current: sends pause' }),
      },
    };
  }
}
