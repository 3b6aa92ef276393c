import { acceptedLanguages, choosePageLocale } from './page-locale';

const BOTH = ['zh-CN', 'en'] as const;
const ZH_ONLY = ['zh-CN'] as const;

describe('choosing the language of a customer page', () => {
  it('takes ?lang= over the Accept-Language header', () => {
    expect(choosePageLocale({ lang: 'en', acceptLanguage: 'zh-CN,zh;q=0.9' }, BOTH)).toBe('en');
    expect(choosePageLocale({ lang: 'zh-CN', acceptLanguage: 'en-US,en;q=0.9' }, BOTH)).toBe('zh-CN');
  });

  it('reads WeChat in-app browser headers', () => {
    expect(choosePageLocale({ acceptLanguage: 'en-US,en;q=0.9' }, BOTH)).toBe('en');
    expect(choosePageLocale({ acceptLanguage: 'zh-CN,zh;q=0.9' }, BOTH)).toBe('zh-CN');
  });

  it('respects q-values, not the order the header lists them in', () => {
    expect(choosePageLocale({ acceptLanguage: 'zh-CN;q=0.4,en;q=0.8' }, BOTH)).toBe('en');
    expect(choosePageLocale({ acceptLanguage: 'en;q=0.3, zh;q=0.7' }, BOTH)).toBe('zh-CN');
  });

  it('skips languages it has no notice locale for, and q=0', () => {
    expect(choosePageLocale({ acceptLanguage: 'fr-FR,en;q=0.5' }, BOTH)).toBe('en');
    expect(choosePageLocale({ acceptLanguage: 'en;q=0,zh;q=0.1' }, BOTH)).toBe('zh-CN');
    expect(acceptedLanguages('en;q=0, *;q=0.5, ja')).toEqual(['ja']);
  });

  it('falls back to zh-CN when the brand has no notice in the asked locale', () => {
    expect(choosePageLocale({ lang: 'en' }, ZH_ONLY)).toBe('zh-CN');
    expect(choosePageLocale({ acceptLanguage: 'en-GB,en;q=0.9' }, ZH_ONLY)).toBe('zh-CN');
  });

  it('falls back to zh-CN without a usable choice', () => {
    expect(choosePageLocale({}, BOTH)).toBe('zh-CN');
    expect(choosePageLocale({ lang: 'xx', acceptLanguage: 'fr' }, BOTH)).toBe('zh-CN');
    expect(choosePageLocale({ lang: ['en', 'zh-CN'] }, BOTH)).toBe('zh-CN');
  });
});
