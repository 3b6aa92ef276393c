import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Platform } from '@siyu/contracts';
import { appendAudit } from '@siyu/audit';
import { ORDERS_DB } from '../orders.options';
import { ReleasedFactsOutbox } from '../release/released-facts-outbox';
import { ReleaseRepository } from '../release/release.repository';
import { AgreementError, AgreementErrorCode } from './agreements.errors';
import { allows, marketingPurposesOf, type PlatformAgreement } from './platform-agreement';
import { PlatformAgreementRepository } from './platform-agreement.repository';

export interface SetPlatformAgreementCommand {
  actorId: string;
  platform: Platform;
  shopId: string;
  allowedPurposes: readonly string[];
  agreementRef?: string;
}

export interface PlatformAgreementChange extends PlatformAgreement {
  /** Releases closed because the agreement no longer allows `purchase_history`. */
  revokedReleases: number;
  /** Releases re-issued without sensitive-category facts (`sensitive_profiling` no longer allowed). */
  reissuedReleases: number;
}

/**
 * Records which purposes a shop's platform agreement allows (R8). Narrowing takes effect on what
 * was already released: releases the agreement no longer allows are revoked (`orders.facts-revoked.v1`),
 * in the same transaction as the change and its audit entry. Widening releases nothing by itself:
 * a release needs a consent event decided under an agreement that allows it.
 */
@Injectable()
export class SetPlatformAgreement {
  private readonly logger = new Logger('PlatformAgreements');

  constructor(
    @Inject(ORDERS_DB) private readonly ds: DataSource,
    private readonly agreements: PlatformAgreementRepository,
    private readonly releases: ReleaseRepository,
    private readonly outbox: ReleasedFactsOutbox,
  ) {}

  async execute(command: SetPlatformAgreementCommand): Promise<PlatformAgreementChange> {
    const { platform, shopId } = command;
    const marketing = marketingPurposesOf(command.allowedPurposes);
    const agreementRef = command.agreementRef?.trim() || null;
    if (marketing.length > 0 && !agreementRef) {
      throw new AgreementError(
        AgreementErrorCode.AGREEMENT_REF_REQUIRED,
        `agreementRef is required to allow ${marketing.join(', ')}: name the platform agreement that allows it`,
      );
    }
    const change = await this.ds.transaction(async (tx) => {
      await this.agreements.lockForChange(tx, platform, shopId);
      await this.agreements.save(tx, platform, shopId, marketing, agreementRef, command.actorId);
      const agreement = await this.agreements.find(tx, platform, shopId);
      let revokedReleases = 0;
      let reissuedReleases = 0;
      if (!allows(agreement, 'purchase_history')) {
        for (const release of await this.releases.revokeForShop(tx, platform, shopId)) {
          await this.outbox.publishRevoked(tx, release);
          revokedReleases++;
        }
      } else if (!allows(agreement, 'sensitive_profiling')) {
        for (const { previousReleaseId, release } of await this.releases.reissueWithoutSensitive(
          tx,
          platform,
          shopId,
        )) {
          await this.outbox.publishRevoked(tx, { ...release, releaseId: previousReleaseId });
          await this.outbox.publishFacts(tx, release);
          reissuedReleases++;
        }
      }
      await appendAudit(tx, {
        actor: command.actorId,
        action: 'set-platform-agreement',
        purpose: 'platform-agreement',
        subject: `shop:${platform}:${shopId}`,
        // The change's content (purposes, not data fields): proof of what the agreement said when.
        fields: agreement.allowedPurposes,
        outcome: 'allowed',
      });
      return { ...agreement, revokedReleases, reissuedReleases };
    });
    this.logger.log(
      `shop ${platform}/${shopId} agreement now allows ${change.allowedPurposes.join(', ')}; ` +
        `${change.revokedReleases} release(s) revoked, ${change.reissuedReleases} re-issued`,
    );
    return change;
  }
}
