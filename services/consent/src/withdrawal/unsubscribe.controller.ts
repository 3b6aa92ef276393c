import { Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@siyu/auth';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { errorPage, unsubscribeConfirmPage, unsubscribeDonePage } from '../qr-consent/consent-pages';
import { readUnsubscribeLink } from './unsubscribe-link';
import { WithdrawConsent } from './withdraw-consent.use-case';
import { WithdrawalError } from './withdrawal.errors';

/** R9: GET only shows a confirm button (link scanners must not unsubscribe anyone); POST withdraws. */
@Controller('u')
export class UnsubscribeController {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly withdraw: WithdrawConsent,
  ) {}

  @Get(':token')
  @Public('customer-page')
  confirm(@Param('token') token: string, @Res() res: Response) {
    try {
      const scope = readUnsubscribeLink(this.keys.unsubscribe, token);
      res.type('html').send(unsubscribeConfirmPage(token, this.options.brand.name, scope.channel));
    } catch (err) {
      this.fail(res, err);
    }
  }

  @Post(':token')
  @Public('customer-page')
  async unsubscribe(@Param('token') token: string, @Res() res: Response) {
    try {
      const scope = readUnsubscribeLink(this.keys.unsubscribe, token);
      // The page is sent only after the ledger entry is durable.
      const outcome = await this.withdraw.execute({
        brandId: scope.brandId,
        subjectRef: scope.subjectRef,
        purposes: [scope.purpose],
        channels: [scope.channel],
        source: 'unsubscribe_link',
        evidence: { via: 'unsubscribe_link' },
      });
      res
        .status(200)
        .type('html')
        .send(unsubscribeDonePage(this.options.brand.name, scope.channel, outcome.withdrawn));
    } catch (err) {
      this.fail(res, err);
    }
  }

  private fail(res: Response, err: unknown) {
    if (!(err instanceof WithdrawalError)) throw err;
    res
      .status(err.httpStatus)
      .type('html')
      .send(errorPage('此退订链接无效或已过期。您也可以直接回复短信“T”退订。'));
  }
}
