import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiBody } from '@nestjs/swagger';
import { ApiErrors } from '@siyu/auth';
import { LedgerVerdictResponse, SubjectHistoryResponse, SubjectStateResponse } from './ledger.response';
import { Roles } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { LedgerRepository } from '../ledger/ledger.repository';
import { LedgerVerifier } from '../ledger-anchors/ledger-verifier';
import { VerifyLedgerRequest } from '../ledger-anchors/verify-ledger.request';
import { StateAsOfQuery, SubjectParams } from './ledger-query.request';

/** R20: what privacy officers ask the ledger. Entries carry refs and hashes only, never PII. */
@ApiTags('consent: ledger')
@Controller('api/v1/consent')
@Roles('privacy_officer', 'admin')
export class LedgerApiController {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly ledger: LedgerRepository,
    private readonly verifier: LedgerVerifier,
  ) {}

  @Get('subjects/:subjectRef/state')
  @ApiOkResponse({ type: SubjectStateResponse })
  async state(@Param() { subjectRef }: SubjectParams, @Query() { asOf }: StateAsOfQuery) {
    const at = asOf ? new Date(asOf) : undefined;
    const state = await this.ledger.stateOf(this.ds.manager, subjectRef, at, this.options.brand.id);
    return { subjectRef, asOf: (at ?? new Date()).toISOString(), state };
  }

  @Get('subjects/:subjectRef/history')
  @ApiOkResponse({ type: SubjectHistoryResponse })
  async history(@Param() { subjectRef }: SubjectParams) {
    return {
      subjectRef,
      entries: await this.ledger.historyOf(this.ds.manager, subjectRef, this.options.brand.id),
    };
  }

  /** The chain and the stored anchors. */
  @Get('ledger/verify')
  @ApiOkResponse({ type: LedgerVerdictResponse })
  verify() {
    return this.verifier.verify(this.options.brand.id);
  }

  /** The same, also against head receipts the officer kept outside Siyu. */
  @Post('ledger/verify')
  @ApiBody({ type: VerifyLedgerRequest, required: false })
  @ApiOkResponse({ type: LedgerVerdictResponse })
  @ApiErrors({ 422: ['LEDGER_RECEIPT_FORGED', 'LEDGER_RECEIPT_OTHER_BRAND'] })
  @HttpCode(200)
  verifyWithReceipts(@Body() { receipts }: VerifyLedgerRequest) {
    return this.verifier.verify(this.options.brand.id, receipts ?? []);
  }
}
