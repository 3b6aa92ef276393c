import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiHtmlPage } from '@siyu/auth';
import type { Request, Response } from 'express';
import { Public } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { LedgerRepository } from '../ledger/ledger.repository';
import { NoticeRepository } from '../notices/notice.repository';
import { errorPage, messagesFor, type PageContext } from '../customer-pages/consent-pages';
import { customerPageContext, langQuery, withoutSwitch } from '../customer-pages/customer-page';
import { formNonceIsValid, issueFormNonce } from '../customer-pages/form-nonce';
import { ChangePreferences } from './change-preferences.use-case';
import { ChangeTagCategories } from './change-tag-categories.use-case';
import { TagCategoryChoicesRepository } from './tag-category-choices.repository';
import { tagCategoriesSavedText } from './tag-category-fieldset';
import { readPreferenceLink, type PreferenceScope } from './preference-link';
import { preferencesPage, type PreferencesView } from './preference-pages';
import { PreferencesError, PreferencesErrorCode } from './preferences.errors';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** The preference centre behind `/p/<token>` (R11, R12). */
@ApiTags('customer pages')
@ApiHtmlPage('The preference centre', {
  400: ['PREFERENCE_WIDENING_REFUSED'],
  403: ['PREFERENCE_FORM_EXPIRED'],
  404: ['PREFERENCE_LINK_INVALID'],
})
@Controller('p')
export class PreferencesController {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly ledger: LedgerRepository,
    private readonly notices: NoticeRepository,
    private readonly change: ChangePreferences,
    private readonly changeTags: ChangeTagCategories,
    private readonly tagChoices: TagCategoryChoicesRepository,
  ) {}

  @Get(':token')
  @Public('customer-page')
  async show(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const ctx = await this.context(req, token);
    await this.render(res, ctx, token, async () => this.view(ctx, token, this.scope(token)));
  }

  @Post(':token')
  @Public('customer-page')
  async save(
    @Param('token') token: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    // The result page offers the language switch too: it links to the GET of the same page.
    const ctx = await this.context(req, token);
    await this.render(res, ctx, token, async () => {
      const scope = this.scope(token);
      if (!formNonceIsValid(this.keys.unsubscribe, 'preferences', token, body?.nonce))
        throw new PreferencesError(PreferencesErrorCode.FORM_EXPIRED, 'form nonce missing or invalid');
      const result = await this.change.execute({
        ...scope,
        keep: list(body?.keep).slice(0, 64),
        personalisation: body?.personalisation === 'on',
      });
      // R11 per category, only when the boxes were on the page (they are while profiling is on).
      const tagsChanged =
        body?.categoriesShown === '1' &&
        (await this.changeTags.execute(scope, list(body?.openCategory).slice(0, 16)));
      const m = messagesFor(ctx).preferences;
      return this.view(ctx, token, scope, {
        kind: 'ok',
        text:
          result.withdrawn.length > 0
            ? m.saved(result.withdrawn.length)
            : tagsChanged
              ? tagCategoriesSavedText(ctx)
              : m.savedNothing,
      });
    });
  }

  private scope(token: string): PreferenceScope {
    return readPreferenceLink(this.keys.unsubscribe, token, this.options.brand.id);
  }

  private context(req: Request, token: string): Promise<PageContext> {
    return customerPageContext(
      this.notices,
      this.ds.manager,
      this.options.brand.id,
      req,
      (l) => `/p/${encodeURIComponent(token)}?lang=${l}`,
    );
  }

  private async view(
    ctx: PageContext,
    token: string,
    scope: PreferenceScope,
    message?: PreferencesView['message'],
  ) {
    const state = await this.ledger.stateOf(this.ds.manager, scope.subjectRef, undefined, scope.brandId);
    const notice = await this.notices.findCurrent(this.ds.manager, scope.brandId, ctx.locale);
    return preferencesPage(ctx, {
      token,
      brandName: notice?.content.brandName ?? this.options.brand.name,
      state,
      offered: {
        purposes: notice?.content.purposes.map((p) => p.id) ?? [],
        channels: notice?.content.channels ?? [],
      },
      nonce: issueFormNonce(this.keys.unsubscribe, 'preferences', token),
      closedCategories: await this.tagChoices.closedOf(this.ds.manager, scope.brandId, scope.subjectRef),
      message,
    });
  }

  private async render(res: Response, ctx: PageContext, token: string, ok: () => Promise<string>) {
    try {
      res
        .status(200)
        .type('html')
        .send(await ok());
    } catch (err) {
      if (!(err instanceof PreferencesError)) throw err;
      const shown = messagesFor(ctx).preferences.errors[err.code];
      // A refused widening re-shows the page unchanged, with the explanation on top.
      const again =
        err.code === PreferencesErrorCode.WIDENING_REFUSED
          ? await this.view(ctx, token, this.scope(token), { kind: 'error', text: shown.message })
          : errorPage(
              withoutSwitch(ctx),
              shown.message,
              shown.title,
              err.code === PreferencesErrorCode.FORM_EXPIRED
                ? `/p/${encodeURIComponent(token)}${langQuery(ctx.locale)}`
                : undefined,
            );
      res.status(err.httpStatus).type('html').send(again);
    }
  }
}
