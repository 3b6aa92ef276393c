import type { Channel, Purpose } from '@siyu/contracts';
import type { NoticeLocale } from '../notices/notice';
import { EN } from './messages/en';
import { ZH_CN } from './messages/zh-CN';

export interface CustomerError {
  title: string;
  message: string;
}

/**
 * Every piece of page chrome on the customer pages (/q, /u, /p), one table per locale. The notice
 * text itself comes from the published notice of the same locale (R5); these are the buttons,
 * labels, errors and the done page around it.
 */
export interface PageMessages {
  /** This locale's own name, as the language switch shows it. */
  languageName: string;
  listSeparator: string;
  purposes: Record<Purpose, string>;
  channels: Record<Channel, string>;
  notice: {
    label: string;
    heading: (brand: string, version: number) => string;
    processingMethods: string;
    dataCategories: string;
    retention: string;
    profiling: string;
    rights: string;
    contact: string;
  };
  join: {
    title: (brand: string) => string;
    phoneLabel: string;
    getCode: string;
    wechatAuthorise: string;
    confirmTitle: string;
    confirmHeading: (brand: string) => string;
    codeSent: string;
    wechatVerified: string;
    /** The WeCom door's page: the customer came from the staff member's welcome message. */
    wecomVerified: string;
    codeLabel: string;
    purposesLegend: string;
    channelsLegend: string;
    agreeLabel: string;
    /** R2 / PIPL Art. 31: the age question; neither answer is pre-selected (R6). */
    ageLegend: string;
    age14OrOlder: string;
    ageUnder14: string;
    agreeButton: string;
  };
  done: {
    title: string;
    heading: (brand: string) => string;
    purposes: string;
    channels: string;
    /** R9: the way out of each channel, said on the page that let the customer in. */
    wayOut: Record<Channel, string>;
    preferences: string;
    openPreferences: string;
    alreadyTitle: string;
    alreadyHeading: (brand: string) => string;
    alreadyNothingNew: string;
  };
  tooManyTitle: string;
  tooManyText: string;
  reopen: string;
  unsubscribe: {
    title: string;
    heading: (brand: string, channel: string) => string;
    confirm: string;
    doneTitle: string;
    done: (brand: string, channel: string) => string;
    doneBefore: (brand: string, channel: string) => string;
    expired: CustomerError;
    invalid: CustomerError;
  };
  preferences: {
    title: string;
    heading: (brand: string) => string;
    nothingActive: string;
    personalisationLegend: string;
    personalisationLabel: string;
    pairsLegend: string;
    notOn: string;
    save: string;
    saved: (withdrawn: number) => string;
    savedNothing: string;
    widenHeading: string;
    widenText: string;
    tagChoicesHeading: string;
    tagChoicesText: string;
    tagsHeldHeading: string;
    tagsHeldText: string;
  };
}

/** Every locale a customer page speaks; one file per locale in messages/. */
export const PAGE_MESSAGES: Record<NoticeLocale, PageMessages> = { 'zh-CN': ZH_CN, en: EN };
