import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiHtmlPage } from '@siyu/auth';
import type { Request, Response } from 'express';
import { Public } from '@siyu/auth';
import { ConsentKeys } from '../consent.keys';
import {
  errorPage,
  messagesFor,
  unsubscribeConfirmPage,
  unsubscribeDonePage,
  type PageContext,
} from '../customer-pages/consent-pages';
import { withoutSwitch } from '../customer-pages/customer-page';
import { CustomerPageContext } from '../customer-pages/page-context';
import { formNonceIsValid, issueFormNonce } from '../customer-pages/form-nonce';
import { readUnsubscribeLink } from './unsubscribe-link';
import { WithdrawConsent } from './withdraw-consent.use-case';
import { WithdrawalError } from './withdrawal.errors';

/** R9: GET only shows a confirm button (link scanners must not unsubscribe anyone); POST withdraws. */
@ApiTags('customer pages')
@ApiHtmlPage('The unsubscribe confirmation / done page', {
  403: ['FORM_EXPIRED'],
  404: ['UNSUBSCRIBE_LINK_INVALID'],
})
@Controller('u')
export class UnsubscribeController {
  constructor(
    private readonly keys: ConsentKeys,
    private readonly pages: CustomerPageContext,
    private readonly withdraw: WithdrawConsent,
  ) {}

  @Get(':token')
  @Public('customer-page')
  async confirm(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const ctx = await this.context(req, token);
    try {
      const scope = readUnsubscribeLink(this.keys.customerLinks, token);
      const nonce = issueFormNonce(this.keys.customerLinks, 'unsubscribe', token);
      res
        .type('html')
        .send(unsubscribeConfirmPage(ctx, token, await this.brandName(ctx), scope.channel, nonce));
    } catch (err) {
      this.fail(res, withoutSwitch(ctx), err);
    }
  }

  @Post(':token')
  @Public('customer-page')
  async unsubscribe(
    @Param('token') token: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const ctx = withoutSwitch(await this.context(req, token));
    try {
      const scope = readUnsubscribeLink(this.keys.customerLinks, token);
      // CSRF: only a POST from the confirm page this server rendered for this link counts.
      if (!formNonceIsValid(this.keys.customerLinks, 'unsubscribe', token, body?.nonce)) {
        const expired = messagesFor(ctx).unsubscribe.expired;
        res
          .status(403)
          .type('html')
          .send(errorPage(ctx, expired.message, expired.title));
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
        .send(unsubscribeDonePage(ctx, await this.brandName(ctx), scope.channel, outcome.withdrawn));
    } catch (err) {
      this.fail(res, ctx, err);
    }
  }

  /** The brand as its notice in the page's language names it (an English page says "Siyu Tea"). */
  private async brandName(ctx: PageContext): Promise<string> {
    return this.pages.brandName(ctx.locale);
  }

  private context(req: Request, token: string): Promise<PageContext> {
    return this.pages.of(req, (l) => `/u/${encodeURIComponent(token)}?lang=${l}`);
  }

  private fail(res: Response, ctx: PageContext, err: unknown) {
    if (!(err instanceof WithdrawalError)) throw err;
    const invalid = messagesFor(ctx).unsubscribe.invalid;
    res
      .status(err.httpStatus)
      .type('html')
      .send(errorPage(ctx, invalid.message, invalid.title));
  }
}
