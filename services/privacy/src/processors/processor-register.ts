import type { DataCategory, ProcessingPurpose } from '../records/data-categories';

/**
 * Where the code hands personal data to a third party, as outreach and consent configure it: an SMS
 * vendor, a platform's messaging API, or the host. `codeKey` is the name the calling code uses for the
 * vendor (outreach's `SmsChannels` vendor id, or the platform channel), so a test can check that
 * every channel the code can send through has an entry here (R15).
 */
export interface ProcessorDeclaration {
  id: string;
  name: string;
  /** What the processor does for the brand (PIPL Art. 21: purpose and method of the entrustment). */
  purpose: string;
  processingPurpose: ProcessingPurpose;
  dataCategories: DataCategory[];
  /** What exactly leaves the system, in words. */
  dataSent: string;
  /** Where the data is processed, from the endpoint the code calls (no cross-border transfer). */
  location: string;
  endpoint: string;
  usedBy: ('outreach' | 'consent' | 'every service')[];
  codeKeys: string[];
}

/** The duties every entrustment contract must state (PIPL Art. 21; R15). */
export const ENTRUSTMENT_DUTIES = [
  'process only for the stated purpose, by the stated method, for the stated period',
  'no onward entrustment to another party without the brand agreeing',
  'protect the data with the security measures the contract names (PIPL Art. 51)',
  'return or delete the data when the entrustment ends, and confirm it',
  'help the brand answer data-subject requests and report incidents',
] as const;

export const PROCESSORS: ProcessorDeclaration[] = [
  {
    id: 'aliyun-sms',
    name: 'Alibaba Cloud SMS (阿里云短信服务)',
    purpose: 'deliver marketing SMS, report delivery and opt-out receipts, relay SMS replies',
    processingPurpose: 'marketing',
    dataCategories: ['contact_masked', 'message'],
    dataSent: 'recipient phone number and message text per send; receipts and replies come back',
    location: 'mainland China',
    endpoint: 'https://dysmsapi.aliyuncs.com (ALIYUN_SMS_ENDPOINT)',
    usedBy: ['outreach', 'consent'],
    codeKeys: ['sms:aliyun'],
  },
  {
    id: 'tencent-cloud-sms',
    name: 'Tencent Cloud SMS (腾讯云短信)',
    purpose: 'deliver marketing SMS, report delivery and opt-out receipts, relay SMS replies',
    processingPurpose: 'marketing',
    dataCategories: ['contact_masked', 'message'],
    dataSent: 'recipient phone number and message text per send; receipts and replies come back',
    location: 'mainland China (region ap-guangzhou by default, TENCENT_SMS_REGION)',
    endpoint: 'https://sms.tencentcloudapi.com (TENCENT_SMS_ENDPOINT)',
    usedBy: ['outreach', 'consent'],
    codeKeys: ['sms:tencent'],
  },
  {
    id: 'wechat-official-account',
    name: 'WeChat Official Accounts Platform (微信公众平台) — subscription messages',
    purpose: 'deliver marketing subscription messages to members who agreed on WeChat',
    processingPurpose: 'marketing',
    dataCategories: ['contact_masked', 'message'],
    dataSent: "the member's openid and the message's template data per send",
    location: 'mainland China',
    endpoint: 'https://api.weixin.qq.com (WECHAT_API_BASE_URL)',
    usedBy: ['outreach', 'consent'],
    codeKeys: ['platform:wechat'],
  },
  {
    id: 'wecom',
    name: 'WeCom (企业微信) — external-contact messages',
    purpose: 'deliver marketing messages to members who added the brand’s staff on WeCom',
    processingPurpose: 'marketing',
    dataCategories: ['contact_masked', 'message'],
    dataSent: "the member's external user id, the sending staff member's user id and the message",
    location: 'mainland China',
    endpoint: 'https://qyapi.weixin.qq.com (WECOM_API_BASE_URL)',
    usedBy: ['outreach'],
    codeKeys: ['platform:wecom'],
  },
  {
    id: 'hosting',
    name: 'Hosting provider of this deployment (servers, PostgreSQL, Kafka)',
    purpose: 'run the services and store their databases and event logs',
    processingPurpose: 'operations',
    dataCategories: [
      'subject_ref',
      'contact_sealed',
      'contact_masked',
      'contact_index',
      'receiver_sealed',
      'buyer_pseudonym',
      'purchase',
      'consent_record',
      'marketing_profile',
      'message',
      'staff',
      'request',
      'audit',
    ],
    dataSent:
      'every database and event log; contact points and receiver data stay sealed under keys in the services’ secrets (R16)',
    location: 'declared with the contract (PUT …/processors/hosting/contract)',
    endpoint: 'DATABASE_URL, KAFKA_BROKERS',
    usedBy: ['every service'],
    codeKeys: [],
  },
];

export function findProcessor(id: string): ProcessorDeclaration | undefined {
  return PROCESSORS.find((p) => p.id === id);
}

/** The register as Markdown for docs/privacy/processors.md (the contract column is per deployment). */
export function processorsMarkdown(): string {
  const cell = (v: string) => v.replace(/\|/g, '\\|');
  const out = [
    '# Entrusted processors (R15, PIPL Art. 21) — generated from code',
    '',
    'Every third party the code hands personal data to. The contract (DPA) reference of each is recorded',
    'per deployment by the privacy officer: `PUT /api/v1/privacy/processors/{id}/contract`, listed by',
    '`GET /api/v1/privacy/processors` (a processor without one is flagged `contractMissing`).',
    '',
    '| id | processor | purpose | data categories | data sent | location | endpoint | used by |',
    '|---|---|---|---|---|---|---|---|',
    ...PROCESSORS.map(
      (p) =>
        `| ${[
          p.id,
          p.name,
          `${p.purpose} (${p.processingPurpose})`,
          p.dataCategories.join(', '),
          p.dataSent,
          p.location,
          p.endpoint,
          p.usedBy.join(', '),
        ]
          .map(cell)
          .join(' | ')} |`,
    ),
    '',
    'Duties every entrustment contract states:',
    '',
    ...ENTRUSTMENT_DUTIES.map((d) => `- ${d}`),
    '',
  ];
  return out.join('\n');
}
