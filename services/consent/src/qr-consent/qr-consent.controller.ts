import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { NoticeRepository } from '../notices/notice.repository';
import { signPreferenceLink } from '../preferences/preference-link';
import { agreeStep, alreadyJoinedPage, donePage, phoneStep } from './consent-pages';
import { formNonceIsValid, issueFormNonce, type PublicForm } from './form-nonce';
import { GrantConsentByQr } from './grant-consent.use-case';
import { readInvitation } from './invitation';
import { currentNotice, renderCustomerPage } from './customer-page';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';
import { RequestCode } from './request-code.use-case';
import { WechatOAuthClient } from './wechat-oauth.client';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** Door 2: the public page behind the parcel-card QR code. Customer pages answer in HTML. */
@Controller('q')
export class QrConsentController {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly notices: NoticeRepository,
    private readonly requestCode: RequestCode,
    private readonly grant: GrantConsentByQr,
    private readonly wechatOAuth: WechatOAuthClient,
  ) {}

  @Get(':token')
  @Public('customer-page')
  async show(@Param('token') token: string, @Res() res: Response) {
    await this.render(token, res, async () => {
      readInvitation(this.keys.invitations, token, this.options.brand.id);
      // "用微信授权" only where WeChat OAuth is configured.
      const wechatHref = this.wechatOAuth.configured
        ? `/q/${encodeURIComponent(token)}/wechat/start`
        : undefined;
      return phoneStep(token, await this.notice(), this.nonce('qr-code', token), undefined, wechatHref);
    });
  }

  @Post(':token/code')
  @Public('customer-page')
  async code(@Param('token') token: string, @Body() body: Record<string, unknown>, @Res() res: Response) {
    await this.render(
      token,
      res,
      async () => {
        this.checkNonce('qr-code', token, body?.nonce);
        const { phone } = await this.requestCode.execute(token, body?.phone);
        return agreeStep(token, await this.notice(), phone, this.nonce('qr-agree', token));
      },
      async (err) =>
        err.code === QrConsentErrorCode.PHONE_INVALID
          ? phoneStep(token, await this.notice(), this.nonce('qr-code', token), err.customerMessage)
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
    await this.render(
      token,
      res,
      async () => {
        this.checkNonce('qr-agree', token, body?.nonce);
        const result = await this.grant.execute({
          token,
          phone: body?.phone,
          code: body?.code,
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
      async (err) =>
        err.code === QrConsentErrorCode.CODE_INVALID ||
        err.code === QrConsentErrorCode.NOTHING_CHOSEN ||
        err.code === QrConsentErrorCode.NO_AGREEMENT
          ? agreeStep(
              token,
              await this.notice(),
              String(body?.phone ?? ''),
              this.nonce('qr-agree', token),
              err.customerMessage,
            )
          : null,
    );
  }

  private nonce(form: PublicForm, token: string): string {
    return issueFormNonce(this.keys.invitations, form, token);
  }

  private checkNonce(form: PublicForm, token: string, nonce: unknown): void {
    // The token is checked first, so a forged or expired link reads as such, not as a stale form.
    readInvitation(this.keys.invitations, token, this.options.brand.id);
    if (!formNonceIsValid(this.keys.invitations, form, token, nonce))
      throw new QrConsentError(QrConsentErrorCode.FORM_EXPIRED, 'form nonce missing or invalid');
  }

  private notice() {
    return currentNotice(this.notices, this.ds.manager, this.options.brand.id);
  }

  private render(
    token: string,
    res: Response,
    ok: () => Promise<string>,
    retry?: (err: QrConsentError) => Promise<string | null>,
  ) {
    return renderCustomerPage(res, token, ok, retry);
  }
}
