import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiHtmlPage } from '@siyu/auth';
import type { Request, Response } from 'express';
import { Public } from '@siyu/auth';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import type { NoticeLocale, PublishedNotice } from '../notices/notice';
import { CardPages, renderCardPage } from './card-pages';
import { agreeStep, phoneStep, type PageContext } from '../customer-pages/consent-pages';
import { langQuery, withoutSwitch } from '../customer-pages/customer-page';
import { cardErrorMessage } from './card-error-messages';
import { formNonceIsValid, issueFormNonce } from '../customer-pages/form-nonce';
import { GrantConsentByCard } from './grant-consent-by-card.use-case';
import { readInvitation } from './invitation';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';
import { RequestCode } from './request-code.use-case';
import { issueAgreeNonce, type ShownNotice } from './shown-notice';
import { SmsCodeCheck } from './sms-code-check';
import { WechatOAuthClient } from './wechat-oauth.client';

/** Door 2: the public page behind the parcel-card QR code. Customer pages answer in HTML. */
@ApiTags('customer pages')
@ApiHtmlPage('The parcel-card consent page (zh-CN or en)', {
  400: ['PHONE_INVALID', 'CODE_INVALID', 'NO_AGREEMENT', 'NOTHING_CHOSEN', 'NOTICE_MISMATCH'],
  403: ['FORM_EXPIRED', 'UNDER_14'],
  404: ['LINK_INVALID'],
  409: ['NOTICE_CHANGED'],
  410: ['LINK_EXPIRED'],
  429: ['TOO_MANY_CODES'],
  503: ['NO_NOTICE'],
})
@Controller('q')
export class QrConsentController {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly pages: CardPages,
    private readonly requestCode: RequestCode,
    private readonly grant: GrantConsentByCard,
    private readonly codes: SmsCodeCheck,
    private readonly wechatOAuth: WechatOAuthClient,
  ) {}

  @Get(':token')
  @Public('customer-page')
  async show(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const ctx = await this.context(req, (l: NoticeLocale) => `/q/${encodeURIComponent(token)}?lang=${l}`);
    await renderCardPage(res, token, ctx, async () => {
      readInvitation(this.keys.invitations, token, this.options.brand.id);
      // "用微信授权" only where WeChat OAuth is configured; the language travels with it.
      const wechatHref = this.wechatOAuth.configured
        ? `/q/${encodeURIComponent(token)}/wechat/start${langQuery(ctx.locale)}`
        : undefined;
      return phoneStep(ctx, {
        token,
        notice: await this.notice(ctx),
        nonce: issueFormNonce(this.keys.invitations, 'qr-code', token),
        wechatHref,
      });
    });
  }

  @Post(':token/code')
  @Public('customer-page')
  async code(
    @Param('token') token: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const ctx = withoutSwitch(await this.context(req));
    await renderCardPage(
      res,
      token,
      ctx,
      async () => {
        this.checkCodeNonce(token, body?.nonce);
        const { phone } = await this.requestCode.execute(token, body?.phone);
        const notice = await this.notice(ctx);
        return agreeStep(ctx, { token, notice, phone, nonce: this.agreeNonce(token, notice) });
      },
      async (err) =>
        err.code === QrConsentErrorCode.PHONE_INVALID
          ? phoneStep(ctx, {
              token,
              notice: await this.notice(ctx),
              nonce: issueFormNonce(this.keys.invitations, 'qr-code', token),
              error: cardErrorMessage(ctx, err.code).message,
            })
          : null,
    );
  }

  @Post(':token/agree')
  @Public('customer-page')
  async agree(
    @Param('token') token: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const ctx = withoutSwitch(await this.context(req));
    let shown: ShownNotice | undefined;
    await renderCardPage(
      res,
      token,
      ctx,
      async () => {
        // The token is checked first, so a forged or expired link reads as such, not as a stale form.
        readInvitation(this.keys.invitations, token, this.options.brand.id);
        const form = this.pages.agreeForm('qr-agree', token, body, req);
        shown = form.shownNotice;
        const result = await this.grant.execute(form, this.codes.of(body?.phone, body?.code));
        return this.pages.outcomePage(ctx, result);
      },
      // A wrong code or a missing tick re-shows the step; a newer notice is shown to be read first.
      async (err) =>
        err.code === QrConsentErrorCode.CODE_INVALID ||
        err.code === QrConsentErrorCode.NOTHING_CHOSEN ||
        err.code === QrConsentErrorCode.NO_AGREEMENT ||
        err.code === QrConsentErrorCode.NOTICE_CHANGED
          ? this.agreeAgain(ctx, token, String(body?.phone ?? ''), err, shown)
          : null,
    );
  }

  private async agreeAgain(
    ctx: PageContext,
    token: string,
    phone: string,
    err: QrConsentError,
    shown?: ShownNotice,
  ): Promise<string> {
    const notice = await this.pages.noticeAgain(ctx, err, shown);
    return agreeStep(ctx, {
      token,
      notice,
      phone,
      nonce: this.agreeNonce(token, notice),
      error: cardErrorMessage(ctx, err.code).message,
    });
  }

  private agreeNonce(token: string, notice: PublishedNotice): string {
    return issueAgreeNonce(this.keys.invitations, 'qr-agree', token, notice);
  }

  private checkCodeNonce(token: string, nonce: unknown): void {
    // The token is checked first, so a forged or expired link reads as such, not as a stale form.
    readInvitation(this.keys.invitations, token, this.options.brand.id);
    if (!formNonceIsValid(this.keys.invitations, 'qr-code', token, nonce))
      throw new QrConsentError(QrConsentErrorCode.FORM_EXPIRED, 'form nonce missing or invalid');
  }

  private context(req: Request, switchHref?: (l: NoticeLocale) => string) {
    return this.pages.context(req, switchHref);
  }

  private notice(ctx: PageContext) {
    return this.pages.notice(ctx);
  }
}
