import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@siyu/auth';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { errorPage, unsubscribeConfirmPage, unsubscribeDonePage } from '../qr-consent/consent-pages';
import { formNonceIsValid, issueFormNonce } from '../qr-consent/form-nonce';
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
      const nonce = issueFormNonce(this.keys.unsubscribe, 'unsubscribe', token);
      res.type('html').send(unsubscribeConfirmPage(token, this.options.brand.name, scope.channel, nonce));
    } catch (err) {
      this.fail(res, err);
    }
  }

  @Post(':token')
  @Public('customer-page')
  async unsubscribe(
    @Param('token') token: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    try {
      const scope = readUnsubscribeLink(this.keys.unsubscribe, token);
      // CSRF: only a POST from the confirm page this server rendered for this link counts.
      if (!formNonceIsValid(this.keys.unsubscribe, 'unsubscribe', token, body?.nonce)) {
        res
          .status(403)
          .type('html')
          .send(errorPage('页面已过期，请重新打开退订链接后再确认。我们没有做任何更改。', '页面已过期'));
        return;
      }
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
