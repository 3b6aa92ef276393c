import { Controller, Get, Inject, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@siyu/auth';
import { AnchoredReceiptResponse, SignedReceiptResponse } from './anchor.response';
import { Roles } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { AnchorLedgerHead } from './anchor-ledger-head.use-case';
import { receiptFor } from './anchor-receipt';
import { LedgerAnchorRepository } from './ledger-anchor.repository';
import { LedgerAnchorError, LedgerAnchorErrorCode } from './ledger-anchors.errors';

/** R20: signed ledger heads for the privacy officer to keep outside Siyu. */
@ApiTags('consent: ledger')
@Controller('api/v1/consent/ledger/anchors')
@Roles('privacy_officer', 'admin')
export class LedgerAnchorsController {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly anchors: LedgerAnchorRepository,
    private readonly anchorHead: AnchorLedgerHead,
  ) {}

  @Get('latest')
  @ApiOkResponse({ type: SignedReceiptResponse, description: 'The latest signed ledger head (R20)' })
  @ApiErrors({ 404: ['LEDGER_NO_ANCHOR'] })
  async latest() {
    const anchor = await this.anchors.findLatest(this.ds.manager, this.options.brand.id);
    if (!anchor)
      throw new LedgerAnchorError(LedgerAnchorErrorCode.NO_ANCHOR, 'no ledger head was anchored yet');
    return receiptFor(this.keys.anchors, anchor);
  }

  /** Anchors the head now (on demand, e.g. before an export), unless it is already anchored. */
  @Post()
  @ApiCreatedResponse({ type: AnchoredReceiptResponse })
  @ApiErrors({ 409: ['LEDGER_EMPTY'] })
  async anchorNow() {
    const { anchor, recorded } = await this.anchorHead.execute(this.options.brand.id);
    return { recorded, ...receiptFor(this.keys.anchors, anchor) };
  }
}
