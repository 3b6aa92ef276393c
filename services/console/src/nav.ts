import type { StaffRole } from './session';
import type { MessageKey } from './messages';

export type PageKey =
  | 'imports'
  | 'lookup'
  | 'shops'
  | 'cardSheet'
  | 'ledger'
  | 'notices'
  | 'subjects'
  | 'accounts'
  | 'apiKeys'
  | 'overview'
  | 'tags'
  | 'segments'
  | 'templates'
  | 'campaigns'
  | 'requests'
  | 'withdrawals'
  | 'processors'
  | 'grants'
  | 'assessments'
  | 'individuals'
  | 'auditTrail'
  | 'password';

export interface PageDef {
  key: PageKey;
  group: 'ops' | 'marketing' | 'privacy' | 'admin' | 'me';
  /** The roles the page's main API operation allows (its `x-roles`; a test compares them). */
  roles: StaffRole[];
  /** [method, path] of that operation. */
  operation: [string, string];
  title: MessageKey;
}

export const PAGES: PageDef[] = [
  {
    key: 'imports',
    group: 'ops',
    roles: ['ops', 'admin'],
    operation: ['get', '/api/v1/orders/imports'],
    title: 'nav.imports',
  },
  {
    key: 'lookup',
    group: 'ops',
    roles: ['ops'],
    operation: ['get', '/api/v1/orders/lookup'],
    title: 'nav.lookup',
  },
  {
    key: 'shops',
    group: 'ops',
    roles: ['ops', 'privacy_officer', 'admin'],
    operation: ['get', '/api/v1/shops/{platform}/{shopId}/agreement'],
    title: 'nav.shops',
  },
  {
    key: 'cardSheet',
    group: 'ops',
    roles: ['ops', 'admin'],
    operation: ['get', '/api/v1/orders/invitations/sheet'],
    title: 'nav.cardSheet',
  },
  {
    key: 'overview',
    group: 'marketing',
    roles: ['marketer', 'privacy_officer', 'admin'],
    operation: ['get', '/api/v1/consent/statistics'],
    title: 'nav.overview',
  },
  {
    key: 'tags',
    group: 'marketing',
    roles: ['marketer', 'admin'],
    operation: ['get', '/api/v1/audience/tags'],
    title: 'nav.tags',
  },
  {
    key: 'segments',
    group: 'marketing',
    roles: ['marketer', 'admin'],
    operation: ['post', '/api/v1/audience/segments'],
    title: 'nav.segments',
  },
  {
    key: 'templates',
    group: 'marketing',
    roles: ['marketer', 'admin'],
    operation: ['get', '/api/v1/outreach/templates'],
    title: 'nav.templates',
  },
  {
    key: 'campaigns',
    group: 'marketing',
    roles: ['marketer', 'admin'],
    operation: ['get', '/api/v1/outreach/campaigns'],
    title: 'nav.campaigns',
  },
  {
    key: 'ledger',
    group: 'privacy',
    roles: ['privacy_officer', 'admin'],
    operation: ['get', '/api/v1/consent/ledger/verify'],
    title: 'nav.ledger',
  },
  {
    key: 'notices',
    group: 'privacy',
    roles: ['privacy_officer', 'admin'],
    operation: ['get', '/api/v1/consent/notices'],
    title: 'nav.notices',
  },
  {
    key: 'subjects',
    group: 'privacy',
    roles: ['privacy_officer', 'admin'],
    operation: ['get', '/api/v1/consent/subjects/{subjectRef}/history'],
    title: 'nav.subjects',
  },
  {
    key: 'requests',
    group: 'privacy',
    roles: ['privacy_officer'],
    operation: ['get', '/api/v1/privacy/requests'],
    title: 'nav.requests',
  },
  {
    key: 'withdrawals',
    group: 'privacy',
    roles: ['privacy_officer', 'admin'],
    operation: ['get', '/api/v1/outreach/withdrawals/time-to-suppression'],
    title: 'nav.withdrawals',
  },
  {
    key: 'processors',
    group: 'privacy',
    roles: ['privacy_officer'],
    operation: ['get', '/api/v1/privacy/processors'],
    title: 'nav.processors',
  },
  {
    key: 'grants',
    group: 'privacy',
    roles: ['privacy_officer'],
    operation: ['get', '/api/v1/privacy/processor-grants'],
    title: 'nav.grants',
  },
  {
    key: 'assessments',
    group: 'privacy',
    roles: ['privacy_officer'],
    operation: ['get', '/api/v1/privacy/impact-assessments'],
    title: 'nav.assessments',
  },
  {
    key: 'individuals',
    group: 'privacy',
    roles: ['privacy_officer'],
    operation: ['get', '/api/v1/privacy/individuals-count'],
    title: 'nav.individuals',
  },
  {
    key: 'auditTrail',
    group: 'privacy',
    roles: ['privacy_officer', 'admin'],
    operation: ['get', '/api/v1/privacy/audit/entries'],
    title: 'nav.auditTrail',
  },
  {
    key: 'accounts',
    group: 'admin',
    roles: ['admin'],
    operation: ['get', '/api/v1/identity/accounts'],
    title: 'nav.accounts',
  },
  {
    key: 'apiKeys',
    group: 'admin',
    roles: ['admin'],
    operation: ['get', '/api/v1/identity/api-keys'],
    title: 'nav.apiKeys',
  },
  {
    key: 'password',
    group: 'me',
    roles: ['admin', 'ops', 'marketer', 'privacy_officer'],
    operation: ['post', '/api/v1/identity/accounts/me/password'],
    title: 'nav.password',
  },
];

export const pagesFor = (role: StaffRole) => PAGES.filter((p) => p.roles.includes(role));
