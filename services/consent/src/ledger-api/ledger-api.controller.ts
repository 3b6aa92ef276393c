import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiBody } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@siyu/auth';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { LedgerVerifier } from '../ledger-anchors/ledger-verifier';
import { VerifyLedgerRequest } from '../ledger-anchors/verify-ledger.request';
import { GetSubjectHistory } from './get-subject-history.query';
import { GetSubjectState } from './get-subject-state.query';
import { LedgerVerdictResponse, SubjectHistoryResponse, SubjectStateResponse } from './ledger.response';
import { StateAsOfQuery, SubjectParams } from './ledger-query.request';

/** R20: what privacy officers ask the ledger. Entries carry refs and hashes only, never PII. */
@ApiTags('consent: ledger')
@Controller('api/v1/consent')
@Roles('privacy_officer', 'admin')
export class LedgerApiController {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly subjectState: GetSubjectState,
    private readonly subjectHistory: GetSubjectHistory,
    private readonly verifier: LedgerVerifier,
  ) {}

  @Get('subjects/:subjectRef/state')
  @ApiOkResponse({ type: SubjectStateResponse })
  state(@Param() { subjectRef }: SubjectParams, @Query() { asOf }: StateAsOfQuery) {
    return this.subjectState.execute(this.options.brand.id, subjectRef, asOf ? new Date(asOf) : undefined);
  }

  @Get('subjects/:subjectRef/history')
  @ApiOkResponse({ type: SubjectHistoryResponse })
  history(@Param() { subjectRef }: SubjectParams) {
    return this.subjectHistory.execute(this.options.brand.id, subjectRef);
  }

  /** The chain and the stored anchors. */
  @Get('ledger/verify')
  @ApiOkResponse({ type: LedgerVerdictResponse })
  // auditor: privacy's scheduled verification with its machine key (R20)
  @Roles('privacy_officer', 'admin', 'auditor')
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
