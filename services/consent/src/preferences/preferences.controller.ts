import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiHtmlPage } from '@siyu/auth';
import type { Request, Response } from 'express';
import { Public } from '@siyu/auth';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { errorPage, messagesFor, type PageContext } from '../customer-pages/consent-pages';
import { langQuery, withoutSwitch } from '../customer-pages/customer-page';
import { CustomerPageContext } from '../customer-pages/page-context';
import { formNonceIsValid, issueFormNonce } from '../customer-pages/form-nonce';
import { ChangePreferences } from './change-preferences.use-case';
import { ChangeTagCategories } from './change-tag-categories.use-case';
import { GetPreferenceCentre } from './get-preference-centre.query';
import { preferenceErrorMessage } from './preference-error-messages';
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
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly pages: CustomerPageContext,
    private readonly centre: GetPreferenceCentre,
    private readonly change: ChangePreferences,
    private readonly changeTags: ChangeTagCategories,
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
      if (!formNonceIsValid(this.keys.customerLinks, 'preferences', token, body?.nonce))
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
    return readPreferenceLink(this.keys.customerLinks, token, this.options.brand.id);
  }

  private context(req: Request, token: string): Promise<PageContext> {
    return this.pages.of(req, (l) => `/p/${encodeURIComponent(token)}?lang=${l}`);
  }

  private async view(
    ctx: PageContext,
    token: string,
    scope: PreferenceScope,
    message?: PreferencesView['message'],
  ) {
    const { state, notice, closedCategories } = await this.centre.execute(scope, ctx.locale);
    return preferencesPage(ctx, {
      token,
      brandName: notice?.content.brandName ?? this.options.brand.name,
      state,
      offered: {
        purposes: notice?.content.purposes.map((p) => p.id) ?? [],
        channels: notice?.content.channels ?? [],
      },
      nonce: issueFormNonce(this.keys.customerLinks, 'preferences', token),
      closedCategories,
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
      const shown = preferenceErrorMessage(ctx, err.code);
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
