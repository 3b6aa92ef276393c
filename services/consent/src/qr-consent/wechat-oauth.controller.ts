import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiTags } from '@nestjs/swagger';
import { ApiHtmlPage } from '@siyu/auth';
import type { Request, Response } from 'express';
import { Public } from '@siyu/auth';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import type { PublishedNotice } from '../notices/notice';
import { CardPages, renderCardPage } from './card-pages';
import { wechatAgreeStep, type PageContext } from '../customer-pages/consent-pages';
import { langQuery } from '../customer-pages/customer-page';
import { cardErrorMessage } from './card-error-messages';
import { GrantConsentByCard } from './grant-consent-by-card.use-case';
import { readInvitation } from './invitation';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';
import { WechatOAuthClient } from './wechat-oauth.client';
import { issueAgreeNonce, type ShownNotice } from './shown-notice';
import {
  checkOAuthState,
  issueOAuthState,
  issueOpenidTicket,
  openidTicketCheck,
} from './wechat-oauth-tokens';

/** After a failed WeChat step the way back is the card's first page. */
const RESTART_ON = [
  QrConsentErrorCode.FORM_EXPIRED,
  QrConsentErrorCode.NOTICE_MISMATCH,
  QrConsentErrorCode.WECHAT_AUTH_FAILED,
];

/** Door 2, "用微信授权": WeChat OAuth (snsapi_base) in place of the phone code. */
@ApiTags('customer pages')
@ApiHtmlPage('The WeChat sign-in step of the consent page, or a redirect to WeChat', {
  403: ['WECHAT_AUTH_FAILED', 'FORM_EXPIRED', 'UNDER_14'],
  404: ['LINK_INVALID'],
  503: ['WECHAT_UNAVAILABLE'],
})
@Controller('q')
export class WechatOAuthController {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly pages: CardPages,
    private readonly oauth: WechatOAuthClient,
    private readonly grant: GrantConsentByCard,
  ) {}

  @Get(':token/wechat/start')
  @ApiFoundResponse({ description: "A redirect to WeChat's OAuth page" })
  @Public('customer-page')
  async start(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const ctx = await this.context(req);
    await renderCardPage(
      res,
      token,
      ctx,
      async () => {
        readInvitation(this.keys.invitations, token, this.options.brand.id);
        // The page language rides on the redirect URI (WeChat keeps its query and adds code, state).
        const redirectUri = `${this.options.publicBaseUrl.replace(/\/$/, '')}/q/${encodeURIComponent(token)}/wechat${langQuery(ctx.locale)}`;
        res.redirect(
          302,
          this.oauth.authorizeUrl(redirectUri, issueOAuthState(this.keys.invitations, token)),
        );
        return null;
      },
      undefined,
      RESTART_ON,
    );
  }

  @Get(':token/wechat')
  @Public('customer-page')
  async callback(
    @Param('token') token: string,
    @Query('code') code: unknown,
    @Query('state') state: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    // WeChat's code is single-use, so this page cannot be fetched again (no language switch).
    const ctx = await this.context(req);
    await renderCardPage(
      res,
      token,
      ctx,
      async () => {
        readInvitation(this.keys.invitations, token, this.options.brand.id);
        checkOAuthState(this.keys.invitations, token, state);
        // No code: the customer declined in WeChat.
        if (typeof code !== 'string' || !/^[\w-]{1,128}$/.test(code))
          throw new QrConsentError(QrConsentErrorCode.WECHAT_AUTH_FAILED, 'no oauth code');
        const openid = await this.oauth.openidFor(code);
        const ticket = issueOpenidTicket(this.keys.invitations, this.keys.contacts, token, openid);
        const notice = await this.notice(ctx);
        return wechatAgreeStep(ctx, { token, notice, ticket, nonce: this.nonce(token, notice) });
      },
      undefined,
      RESTART_ON,
    );
  }

  @Post(':token/wechat/agree')
  @Public('customer-page')
  async agree(
    @Param('token') token: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const ctx = await this.context(req);
    let shown: ShownNotice | undefined;
    await renderCardPage(
      res,
      token,
      ctx,
      async () => {
        readInvitation(this.keys.invitations, token, this.options.brand.id);
        const form = this.pages.agreeForm('qr-wechat-agree', token, body, req);
        shown = form.shownNotice;
        const check = openidTicketCheck(this.keys.invitations, this.keys.contacts, token, body?.ticket);
        return this.pages.outcomePage(ctx, await this.grant.execute(form, check));
      },
      // A missing tick re-shows the same step with the same (still valid) ticket; a newer notice is
      // shown to be read first.
      async (err) =>
        err.code === QrConsentErrorCode.NOTHING_CHOSEN ||
        err.code === QrConsentErrorCode.NO_AGREEMENT ||
        err.code === QrConsentErrorCode.NOTICE_CHANGED
          ? this.agreeAgain(ctx, token, String(body?.ticket ?? ''), err, shown)
          : null,
      RESTART_ON,
    );
  }

  private async agreeAgain(
    ctx: PageContext,
    token: string,
    ticket: string,
    err: QrConsentError,
    shown?: ShownNotice,
  ): Promise<string> {
    const notice = await this.pages.noticeAgain(ctx, err, shown);
    return wechatAgreeStep(ctx, {
      token,
      notice,
      ticket,
      nonce: this.nonce(token, notice),
      error: cardErrorMessage(ctx, err.code).message,
    });
  }

  private nonce(token: string, notice: PublishedNotice): string {
    return issueAgreeNonce(this.keys.invitations, 'qr-wechat-agree', token, notice);
  }

  /** No language switch on these steps: they are not pages a GET can fetch again. */
  private context(req: Request): Promise<PageContext> {
    return this.pages.context(req);
  }

  private notice(ctx: PageContext) {
    return this.pages.notice(ctx);
  }
}
