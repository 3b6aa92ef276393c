import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Platform } from '@siyu/contracts';
import { ORDERS_DB } from '../orders.options';
import type { PlatformAgreement } from './platform-agreement';
import { PlatformAgreementRepository, type ReleaseRefusal } from './platform-agreement.repository';

/** A shop's agreement (recorded, or its platform's default) and its latest release refusals. */
@Injectable()
export class GetPlatformAgreement {
  constructor(
    @Inject(ORDERS_DB) private readonly ds: DataSource,
    private readonly agreements: PlatformAgreementRepository,
  ) {}

  execute(platform: Platform, shopId: string): Promise<PlatformAgreement> {
    return this.agreements.find(this.ds, platform, shopId);
  }

  async refusals(platform: Platform, shopId: string): Promise<{ refusals: ReleaseRefusal[] }> {
    return { refusals: await this.agreements.listRefusals(platform, shopId, 100) };
  }
}
