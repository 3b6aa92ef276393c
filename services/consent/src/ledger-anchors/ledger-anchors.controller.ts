import { Controller, Get, Inject, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@siyu/auth';
import { ConsentKeys } from '../consent.keys';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { AnchorLedgerHead } from './anchor-ledger-head.use-case';
import { receiptFor } from './anchor-receipt';
import { AnchoredReceiptResponse, SignedReceiptResponse } from './anchor.response';
import { GetLatestAnchor } from './get-latest-anchor.query';

/** R20: signed ledger heads for the privacy officer to keep outside Siyu. */
@ApiTags('consent: ledger')
@Controller('api/v1/consent/ledger/anchors')
@Roles('privacy_officer', 'admin')
export class LedgerAnchorsController {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly latestAnchor: GetLatestAnchor,
    private readonly anchorHead: AnchorLedgerHead,
  ) {}

  @Get('latest')
  @ApiOkResponse({ type: SignedReceiptResponse, description: 'The latest signed ledger head (R20)' })
  @ApiErrors({ 404: ['LEDGER_NO_ANCHOR'] })
  latest() {
    return this.latestAnchor.execute(this.options.brand.id);
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
