import { useEffect, useState } from 'react';
import {
  App as AntApp,
  Button,
  ConfigProvider,
  Layout,
  Menu,
  Result,
  Segmented,
  Space,
  Typography,
} from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useI18n } from './i18n';
import { PAGES, pagesFor, type PageKey } from './nav';
import { loadSession, saveSession, whenUnauthorized, type Session } from './session';
import { LoginPage } from './pages/LoginPage';
import { ImportsPage } from './pages/ImportsPage';
import { LookupPage } from './pages/LookupPage';
import { ShopsPage } from './pages/ShopsPage';
import { CardSheetPage } from './pages/CardSheetPage';
import { LedgerPage } from './pages/LedgerPage';
import { NoticesPage } from './pages/NoticesPage';
import { SubjectsPage } from './pages/SubjectsPage';
import { AccountsPage } from './pages/AccountsPage';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { SegmentsPage } from './pages/SegmentsPage';
import { PasswordPage } from './pages/PasswordPage';
import { TagsPage } from './pages/TagsPage';
import { OverviewPage } from './pages/OverviewPage';
import { TemplatesPage } from './pages/TemplatesPage';
import { CampaignsPage } from './pages/CampaignsPage';
import { RequestsPage } from './pages/RequestsPage';
import { WithdrawalsPage } from './pages/WithdrawalsPage';
import { ProcessorsPage } from './pages/ProcessorsPage';
import { ProcessorGrantsPage } from './pages/ProcessorGrantsPage';
import { AssessmentsPage } from './pages/AssessmentsPage';
import { IndividualsPage } from './pages/IndividualsPage';
import { AuditTrailPage } from './pages/AuditTrailPage';

const BASE = '/console/';
const COMPONENTS: Record<PageKey, (p: { session: Session }) => React.ReactElement> = {
  imports: ImportsPage,
  lookup: LookupPage,
  shops: ShopsPage,
  cardSheet: CardSheetPage,
  ledger: LedgerPage,
  notices: NoticesPage,
  subjects: SubjectsPage,
  accounts: AccountsPage,
  apiKeys: ApiKeysPage,
  overview: OverviewPage,
  tags: TagsPage,
  segments: SegmentsPage,
  templates: TemplatesPage,
  campaigns: CampaignsPage,
  requests: RequestsPage,
  withdrawals: WithdrawalsPage,
  processors: ProcessorsPage,
  grants: ProcessorGrantsPage,
  assessments: AssessmentsPage,
  individuals: IndividualsPage,
  auditTrail: AuditTrailPage,
  password: PasswordPage,
};

// Contrast: antd's default blue and 45%-black secondary text fall under WCAG AA (4.5:1).
const THEME = {
  token: {
    colorPrimary: '#0958d9',
    colorPrimaryHover: '#003eb3',
    colorPrimaryActive: '#002c8c',
    colorLink: '#0958d9',
    colorError: '#cf1322',
    colorLinkHover: '#003eb3',
    colorTextSecondary: 'rgba(0,0,0,0.68)',
    colorTextTertiary: 'rgba(0,0,0,0.64)',
    colorTextDescription: 'rgba(0,0,0,0.64)',
    colorTextPlaceholder: 'rgba(0,0,0,0.6)',
  },
};

const pathPage = () => window.location.pathname.replace(BASE, '').split('/')[0] || '';

export function App() {
  const { t, locale, setLocale } = useI18n();
  const [session, setSession] = useState<Session | null>(loadSession);
  const [path, setPath] = useState(pathPage);

  useEffect(() => {
    const pop = () => setPath(pathPage());
    window.addEventListener('popstate', pop);
    whenUnauthorized(() => logOut());
    return () => window.removeEventListener('popstate', pop);
  }, []);

  const go = (key: string) => {
    window.history.pushState(null, '', `${BASE}${key}`);
    setPath(key);
  };
  const logOut = () => {
    saveSession(null);
    setSession(null);
  };

  const allowed = session ? pagesFor(session.role) : [];
  const current = PAGES.find((p) => p.key === path);
  const Page = current && allowed.includes(current) ? COMPONENTS[current.key] : null;

  let content: React.ReactElement;
  if (!session) {
    content = (
      <LoginPage
        onLoggedIn={(s) => {
          saveSession(s);
          setSession(s);
          if (!PAGES.some((p) => p.key === pathPage())) go(pagesFor(s.role)[0].key);
        }}
      />
    );
  } else {
    const groups = (['ops', 'marketing', 'privacy', 'admin', 'me'] as const)
      .map((g) => ({
        type: 'group' as const,
        key: g,
        label: t(`nav.group.${g}`),
        children: allowed.filter((p) => p.group === g).map((p) => ({ key: p.key, label: t(p.title) })),
      }))
      .filter((g) => g.children.length > 0);
    content = (
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Sider width={220} theme="light" style={{ borderRight: '1px solid #eee' }}>
          <Typography.Title level={4} style={{ padding: '16px 24px', margin: 0 }}>
            {t('app.name')}
          </Typography.Title>
          <nav aria-label={t('nav.label')}>
            <Menu mode="inline" selectedKeys={[path]} items={groups} onClick={(e) => go(e.key)} />
          </nav>
        </Layout.Sider>
        <Layout>
          <Layout.Header
            style={{ background: '#fff', display: 'flex', justifyContent: 'flex-end', paddingInline: 24 }}
          >
            <Space>
              <span data-testid="whoami">
                {session.username} · {t(`role.${session.role}`)}
              </span>
              <Button onClick={logOut}>{t('app.logout')}</Button>
            </Space>
          </Layout.Header>
          <Layout.Content style={{ padding: 24 }}>
            <main>
              {Page ? (
                <Page session={session} />
              ) : current ? (
                <Result status="403" title={t('app.forbidden')} subTitle={t('app.forbiddenHint')} />
              ) : (
                <Result status="404" title={t('app.notFound')} />
              )}
            </main>
          </Layout.Content>
        </Layout>
      </Layout>
    );
  }

  return (
    <ConfigProvider locale={locale === 'en' ? enUS : zhCN} theme={THEME}>
      <AntApp>
        <div style={{ position: 'fixed', top: 14, right: session ? 260 : 24, zIndex: 10 }}>
          <Segmented
            aria-label={t('app.language')}
            value={locale}
            onChange={(v) => setLocale(v as 'zh-CN' | 'en')}
            options={[
              { label: '中文', value: 'zh-CN' },
              { label: 'English', value: 'en' },
            ]}
          />
        </div>
        {content}
      </AntApp>
    </ConfigProvider>
  );
}
