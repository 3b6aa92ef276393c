import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { messages, type Locale, type MessageKey } from './messages';

interface I18n {
  locale: Locale;
  setLocale: (l: Locale) => void;
  t: (key: MessageKey | (string & {}), vars?: Record<string, string | number>) => string;
}

const I18nContext = createContext<I18n | null>(null);
const STORAGE = 'siyu.console.locale';

/** zh-CN first; the choice is remembered per browser. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(
    (localStorage.getItem(STORAGE) as Locale | null) === 'en' ? 'en' : 'zh-CN',
  );
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale: (l) => {
        localStorage.setItem(STORAGE, l);
        document.documentElement.lang = l;
        setLocaleState(l);
      },
      t: (key, vars) =>
        Object.entries(vars ?? {}).reduce(
          (text, [k, v]) => text.replace(`{${k}}`, String(v)),
          messages[locale][key] ?? key,
        ),
    }),
    [locale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
