import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { NoticeRepository } from '../notices/notice.repository';
import { signPreferenceLink } from '../preferences/preference-link';
import { alreadyJoinedPage, donePage, wechatAgreeStep } from './consent-pages';
import { formNonceIsValid, issueFormNonce } from './form-nonce';
import { GrantConsentByWechat } from './grant-consent-by-wechat.use-case';
import { readInvitation } from './invitation';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';
import { WechatOAuthClient } from './wechat-oauth.client';
import { currentNotice, renderCustomerPage } from './customer-page';
import { checkOAuthState, issueOAuthState, issueOpenidTicket } from './wechat-oauth-tokens';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** Door 2, "用微信授权": WeChat OAuth (snsapi_base) in place of the phone code. */
@Controller('q')
export class WechatOAuthController {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly notices: NoticeRepository,
    private readonly oauth: WechatOAuthClient,
    private readonly grant: GrantConsentByWechat,
  ) {}

  @Get(':token/wechat/start')
  @Public('customer-page')
  async start(@Param('token') token: string, @Res() res: Response) {
    await this.render(token, res, async () => {
      readInvitation(this.keys.invitations, token, this.options.brand.id);
      const redirectUri = `${this.options.publicBaseUrl.replace(/\/$/, '')}/q/${encodeURIComponent(token)}/wechat`;
      res.redirect(302, this.oauth.authorizeUrl(redirectUri, issueOAuthState(this.keys.invitations, token)));
      return null;
    });
  }

  @Get(':token/wechat')
  @Public('customer-page')
  async callback(
    @Param('token') token: string,
    @Query('code') code: unknown,
    @Query('state') state: unknown,
    @Res() res: Response,
  ) {
    await this.render(token, res, async () => {
      readInvitation(this.keys.invitations, token, this.options.brand.id);
      checkOAuthState(this.keys.invitations, token, state);
      // No code: the customer declined in WeChat.
      if (typeof code !== 'string' || !/^[\w-]{1,128}$/.test(code))
        throw new QrConsentError(QrConsentErrorCode.WECHAT_AUTH_FAILED, 'no oauth code');
      const openid = await this.oauth.openidFor(code);
      const ticket = issueOpenidTicket(this.keys.invitations, this.keys.contactKey, token, openid);
      return wechatAgreeStep(token, await this.notice(), ticket, this.nonce(token));
    });
  }

  @Post(':token/wechat/agree')
  @Public('customer-page')
  async agree(
    @Param('token') token: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    await this.render(
      token,
      res,
      async () => {
        readInvitation(this.keys.invitations, token, this.options.brand.id);
        if (!formNonceIsValid(this.keys.invitations, 'qr-wechat-agree', token, body?.nonce))
          throw new QrConsentError(QrConsentErrorCode.FORM_EXPIRED, 'form nonce missing or invalid');
        const result = await this.grant.execute({
          token,
          ticket: body?.ticket,
          agree: body?.agree === 'yes',
          purposes: list(body?.purposes),
          channels: list(body?.channels),
          ip: req.ip ?? '',
          userAgent: String(req.headers['user-agent'] ?? ''),
        });
        if (result.alreadyJoined) {
          const link = signPreferenceLink(this.keys.unsubscribe, {
            subjectRef: result.subjectRef,
            brandId: this.options.brand.id,
          });
          return alreadyJoinedPage(this.options.brand.name, `/p/${link}`);
        }
        return donePage(this.options.brand.name, result.purposes, result.channels);
      },
      // A missing tick re-shows the same step with the same (still valid) ticket.
      async (err) =>
        err.code === QrConsentErrorCode.NOTHING_CHOSEN || err.code === QrConsentErrorCode.NO_AGREEMENT
          ? wechatAgreeStep(
              token,
              await this.notice(),
              String(body?.ticket ?? ''),
              this.nonce(token),
              err.customerMessage,
            )
          : null,
    );
  }

  private nonce(token: string): string {
    return issueFormNonce(this.keys.invitations, 'qr-wechat-agree', token);
  }

  private notice() {
    return currentNotice(this.notices, this.ds.manager, this.options.brand.id);
  }

  /** `ok` returning null means it already answered (a redirect). */
  private render(
    token: string,
    res: Response,
    ok: () => Promise<string | null>,
    retry?: (err: QrConsentError) => Promise<string | null>,
  ) {
    return renderCustomerPage(res, token, ok, retry, [
      QrConsentErrorCode.FORM_EXPIRED,
      QrConsentErrorCode.WECHAT_AUTH_FAILED,
    ]);
  }
}
