import type { SmsVendor, VendorTemplate } from '../channels/sms-vendor.channel';

/**
 * What a template may contain, checked when it is declared or synced and again before a campaign
 * uses it. Pure functions: the marketer's guide (docs/marketers/outreach.md) quotes these rules.
 */

/** Non-personal values a template may carry (issue 17 §1). Names, phones, addresses never (R16). */
export const ALLOWED_VARIABLES = [
  'offer_code',
  'store_name',
  'short_link',
  'date',
  'product_name',
  'price',
  'discount',
  'unsubscribe_link',
] as const;
export type TemplateVariable = (typeof ALLOWED_VARIABLES)[number];

/** R13: what makes an offer; every recipient of one campaign gets the same values for these. */
export const OFFER_VARIABLES: readonly string[] = ['offer_code', 'price', 'discount'];

/** Filled by outreach per recipient: a signed one-tap unsubscribe link (R9). */
export const UNSUBSCRIBE_VARIABLE = 'unsubscribe_link';

// Names that are personal information whatever the vendor allows (R1, R16).
const PERSONAL =
  /(name|phone|mobile|tel|address|addr|nick|openid|unionid|buyer|receiver|idcard|姓名|电话|手机|地址)/i;

/** The reply opt-outs carriers and vendors expect in marketing SMS (R9). */
const OPT_OUT = /(回T退订|回TD退订|退订回T|拒收请回复R)/;
/** R11: targeted advertising is labelled. */
const AD_LABEL = /(广告|定推)/;

/** Variables as the vendor writes them: `${code}` (Aliyun, sandbox) or `{1}` (Tencent, by position). */
export function templateVariables(vendor: SmsVendor, content: string): string[] {
  const found =
    vendor === 'tencent'
      ? [...content.matchAll(/\{(\d+)\}/g)].map((m) => m[1])
      : [...content.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
  return [...new Set(found)];
}

export interface TemplateCheck {
  /** Names in vendor order (Tencent: names given for positions 1, 2, …). */
  variables: string[];
  /** Why it cannot be used for its kind; empty when it can. */
  problems: string[];
}

/**
 * Sign name 2–16 characters without 【】; variables from the allow-list; a marketing template also
 * carries the reply opt-out, the unsubscribe-link variable and the 广告/定推 label.
 */
export function checkTemplate(
  t: Pick<VendorTemplate, 'content' | 'kind'> & { vendor: SmsVendor; signName: string },
  positionalNames?: string[],
): TemplateCheck {
  const problems: string[] = [];
  const signLength = [...t.signName].length;
  if (signLength < 2 || signLength > 16)
    problems.push(`signName "${t.signName}" has ${signLength} characters; carriers accept 2–16`);
  if (/[【】[\]]/.test(t.signName))
    problems.push('signName must not contain brackets: 【】 are added when sending');
  if (/[【】]/.test(t.content))
    problems.push('content must not contain 【】: the signature is added when sending');
  const raw = templateVariables(t.vendor, t.content);
  let variables = raw;
  if (t.vendor === 'tencent') {
    const positions = raw.map(Number).sort((a, b) => a - b);
    if (!positionalNames || positionalNames.length < positions.length) {
      problems.push(
        `positional variables {${positions.join('}, {')}} need names (variableNames, in position order)`,
      );
      variables = positions.map((p) => `{${p}}`);
    } else variables = positionalNames.slice(0, positions.length);
  }
  for (const v of variables) {
    if (v.startsWith('{')) continue;
    if (PERSONAL.test(v))
      problems.push(`variable "${v}" is personal information and can never be a template variable (R16)`);
    else if (!(ALLOWED_VARIABLES as readonly string[]).includes(v))
      problems.push(`variable "${v}" is not in the allow-list (${ALLOWED_VARIABLES.join(', ')})`);
  }
  if (t.kind === 'marketing') {
    if (!OPT_OUT.test(t.content))
      problems.push('marketing template lacks the reply opt-out text ("回T退订" or "拒收请回复R") (R9)');
    if (!variables.includes(UNSUBSCRIBE_VARIABLE))
      problems.push(
        `marketing template lacks the unsubscribe-link variable \${${UNSUBSCRIBE_VARIABLE}} (R9)`,
      );
    if (!AD_LABEL.test(t.content))
      problems.push('marketing template lacks the 广告 or 定推 label for targeted content (R11)');
  }
  return { variables, problems };
}

/** The text the carrier counts: 【signature】 + content with each variable replaced. */
export function renderSms(
  vendor: SmsVendor,
  signName: string,
  content: string,
  variables: string[],
  values: Record<string, string>,
): string {
  const body =
    vendor === 'tencent'
      ? content.replace(/\{(\d+)\}/g, (_, p: string) => values[variables[Number(p) - 1]] ?? '')
      : content.replace(/\$\{([^}]*)\}/g, (_, v: string) => values[v] ?? '');
  return `【${signName}】${body}`;
}

export interface SmsLength {
  characters: number;
  parts: number;
}

/**
 * Counted as Chinese carriers bill it: every character (Chinese, Latin, digit, punctuation) is one,
 * signature included; up to 70 is one part, a longer text is split into parts of 67.
 */
export function countSmsParts(text: string): SmsLength {
  const characters = [...text].length;
  return { characters, parts: characters <= 70 ? 1 : Math.ceil(characters / 67) };
}
