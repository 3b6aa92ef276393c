import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiHtmlPage, Public } from '@siyu/auth';
import type { Request, Response } from 'express';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { errorPage, wecomAgreeStep, type PageContext } from '../customer-pages/consent-pages';
import { langQuery, withoutSwitch } from '../customer-pages/customer-page';
import type { PublishedNotice } from '../notices/notice';
import { cardErrorMessage } from '../qr-consent/card-error-messages';
import { CardPages } from '../qr-consent/card-pages';
import { QrConsentError, QrConsentErrorCode } from '../qr-consent/qr-consent.errors';
import { issueAgreeNonce, type ShownNotice } from '../qr-consent/shown-notice';
import { GrantConsentByWecom } from './grant-consent-by-wecom.use-case';
import { readWecomInvite } from './wecom-invite';

/** Refusals after which the way back is this link's first page (a fresh form). */
const RESTART_ON = [QrConsentErrorCode.FORM_EXPIRED, QrConsentErrorCode.NOTICE_MISMATCH];

/** Door 2 reached from WeCom's welcome message (R7): read the notice, tick, agree — or not. */
@ApiTags('customer pages')
@ApiHtmlPage('The consent page a WeCom welcome message links to, or its outcome', {
  400: ['NO_AGREEMENT', 'NOTHING_CHOSEN', 'NOTICE_MISMATCH'],
  403: ['FORM_EXPIRED'],
  404: ['LINK_INVALID'],
  409: ['NOTICE_CHANGED'],
  410: ['LINK_EXPIRED'],
  503: ['NO_NOTICE'],
})
@Controller('w')
export class WecomConsentController {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly pages: CardPages,
    private readonly grant: GrantConsentByWecom,
  ) {}

  @Get(':token')
  @Public('customer-page')
  async show(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const ctx = await this.pages.context(req, (l) => `/w/${encodeURIComponent(token)}?lang=${l}`);
    await this.render(res, token, ctx, async () => {
      this.invite(token);
      const notice = await this.pages.notice(ctx);
      // R5, R7: a consent covers only what its notice lists; one without WeCom cannot be agreed here.
      if (!notice.content.channels.includes('wecom'))
        throw new QrConsentError(QrConsentErrorCode.NO_NOTICE, 'the current notice does not list WeCom');
      return wecomAgreeStep(ctx, { token, notice, nonce: this.nonce(token, notice) });
    });
  }

  @Post(':token/agree')
  @Public('customer-page')
  async agree(
    @Param('token') token: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.context(req);
    let shown: ShownNotice | undefined;
    await this.render(
      res,
      token,
      ctx,
      async () => {
        this.invite(token);
        const form = this.pages.agreeForm('wecom-agree', token, body, req);
        shown = form.shownNotice;
        return this.pages.outcomePage(ctx, await this.grant.execute(form));
      },
      // A missing tick or a newer notice shows the same step again, with what went wrong.
      async (err) => {
        if (
          err.code !== QrConsentErrorCode.NOTHING_CHOSEN &&
          err.code !== QrConsentErrorCode.NO_AGREEMENT &&
          err.code !== QrConsentErrorCode.NOTICE_CHANGED
        )
          return null;
        const notice = await this.pages.noticeAgain(ctx, err, shown);
        return wecomAgreeStep(ctx, {
          token,
          notice,
          nonce: this.nonce(token, notice),
          error: cardErrorMessage(ctx, err.code).message,
        });
      },
    );
  }

  private invite(token: string) {
    return readWecomInvite(this.keys.invitations, this.keys.contacts, token, this.options.brand.id);
  }

  private nonce(token: string, notice: PublishedNotice): string {
    return issueAgreeNonce(this.keys.invitations, 'wecom-agree', token, notice);
  }

  private async render(
    res: Response,
    token: string,
    ctx: PageContext,
    ok: () => Promise<string>,
    retry?: (err: QrConsentError) => Promise<string | null>,
  ): Promise<void> {
    try {
      res
        .status(200)
        .type('html')
        .send(await ok());
    } catch (err) {
      if (!(err instanceof QrConsentError)) throw err;
      const again = retry ? await retry(err).catch(() => null) : null;
      const retryHref = RESTART_ON.includes(err.code)
        ? `/w/${encodeURIComponent(token)}${langQuery(ctx.locale)}`
        : undefined;
      const shownError = cardErrorMessage(ctx, err.code);
      res
        .status(err.httpStatus)
        .type('html')
        .send(again ?? errorPage(withoutSwitch(ctx), shownError.message, shownError.title, retryHref));
    }
  }
}
