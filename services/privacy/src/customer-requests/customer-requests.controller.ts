import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiHtmlPage, Public } from '@siyu/auth';
import type { Request, Response } from 'express';
import { AccessExportResponse } from '../data-subject-requests/data-subject-request.response';
import { codePage, errorPage, errorText, startPage, statusPage } from './customer-request-pages';
import { CustomerRequestsError, CustomerRequestsErrorCode } from './customer-requests.errors';
import { ConfirmRequesterCode } from './confirm-requester-code.use-case';
import { CustomerRequestStatus } from './customer-request-status';
import { choosePageLocale, type PageLocale } from './page-locale';
import { StartCustomerRequest } from './start-customer-request.use-case';

const localeOf = (req: Request): PageLocale =>
  choosePageLocale(
    (req.body as Record<string, unknown> | undefined)?.lang ?? req.query.lang,
    req.headers['accept-language'],
  );

/** The public page where a customer starts a data-subject request and follows it (R14). */
@ApiTags('customer pages')
@ApiHtmlPage('A page of the data-subject request flow', {
  400: ['PHONE_INVALID', 'KIND_INVALID', 'CODE_WRONG'],
  404: ['CHALLENGE_UNKNOWN', 'STATUS_LINK_INVALID'],
  409: ['STILL_CHECKING'],
  429: ['TOO_MANY_ATTEMPTS', 'TOO_MANY_REQUESTS'],
  503: ['NOT_READY'],
})
@Controller('rights')
export class CustomerRequestsController {
  constructor(
    private readonly start: StartCustomerRequest,
    private readonly confirm: ConfirmRequesterCode,
    private readonly status: CustomerRequestStatus,
  ) {}

  @Get()
  @Public('customer-page')
  form(@Req() req: Request, @Res() res: Response) {
    res
      .status(200)
      .type('html')
      .send(startPage(localeOf(req), this.status.brandName));
  }

  /** Same page, same status, same work for a member's phone and a stranger's: no lookup here. */
  @Post()
  @Public('customer-page')
  async begin(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const locale = localeOf(req);
    try {
      const { challengeId } = await this.start.execute({
        kind: body?.kind,
        phone: body?.phone,
        timeZone: body?.timeZone,
        locale,
      });
      res.status(200).type('html').send(codePage(locale, challengeId));
    } catch (err) {
      if (!(err instanceof CustomerRequestsError)) throw err;
      const html =
        err.code === CustomerRequestsErrorCode.NOT_READY
          ? errorPage(locale, err.code)
          : startPage(locale, this.status.brandName, errorText(locale, err.code));
      res.status(err.httpStatus).type('html').send(html);
    }
  }

  /** The code is right: the request is logged and the customer lands on its status page (303). */
  @Post('code')
  @HttpCode(303)
  @Public('customer-page')
  async verify(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const locale = localeOf(req);
    try {
      const { token } = await this.confirm.execute(body?.challenge, body?.code);
      res.redirect(303, `/rights/status/${token}${locale === 'zh-CN' ? '' : `?lang=${locale}`}`);
    } catch (err) {
      if (!(err instanceof CustomerRequestsError)) throw err;
      const again =
        err.code === CustomerRequestsErrorCode.CODE_WRONG ||
        err.code === CustomerRequestsErrorCode.STILL_CHECKING;
      res
        .status(err.httpStatus)
        .type('html')
        .send(
          again
            ? codePage(locale, String(body.challenge), errorText(locale, err.code))
            : errorPage(locale, err.code),
        );
    }
  }

  @Get('status/:token')
  @Public('customer-page')
  async show(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const locale = localeOf(req);
    try {
      const r = await this.status.describe(token);
      res
        .status(200)
        .setHeader('Cache-Control', 'no-store')
        .type('html')
        .send(statusPage(locale, token, r));
    } catch (err) {
      if (!(err instanceof CustomerRequestsError)) throw err;
      res.status(err.httpStatus).type('html').send(errorPage(locale, err.code));
    }
  }
}

/** The machine-readable copy behind a status link (R14 access): this request's answers only. */
@ApiTags('customer pages')
@Controller('rights/status')
export class CustomerExportController {
  constructor(private readonly status: CustomerRequestStatus) {}

  @Get(':token/export.json')
  @Public('customer-page')
  @ApiOkResponse({ type: AccessExportResponse })
  @ApiErrors({ 404: ['STATUS_LINK_INVALID'], 409: ['EXPORT_NOT_READY'] })
  async export(@Param('token') token: string, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', 'attachment; filename="my-data.json"');
    return this.status.exportAccess(token);
  }
}
