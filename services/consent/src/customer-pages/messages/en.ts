import type { PageMessages } from '../page-messages';

/** The customer pages' chrome in English. */
export const EN: PageMessages = {
  languageName: 'English',
  listSeparator: ', ',
  purposes: {
    marketing_messages: 'Receive marketing messages (events, new products, offers)',
    purchase_history: 'Use my purchases in this shop to recommend products to me',
    personalisation: 'Personalised recommendations (profiling)',
    sensitive_profiling: 'Use my purchases of sensitive-category products (separate consent)',
  },
  channels: { sms: 'SMS', wechat: 'WeChat', wecom: 'WeCom' },
  notice: {
    label: 'Personal information notice',
    heading: (brand, version) => `${brand}: how we handle your personal information (version ${version})`,
    processingMethods: 'How we process it: ',
    dataCategories: 'What information: ',
    retention: 'How long we keep it: ',
    profiling: 'Profiling: ',
    rights: 'Your rights: ',
    contact: 'Contact us: ',
  },
  join: {
    title: (brand) => `Join ${brand}`,
    phoneLabel: 'Mobile number',
    getCode: 'Send me a code',
    wechatAuthorise: 'Continue with WeChat',
    confirmTitle: 'Confirm your consent',
    confirmHeading: (brand) => `Join ${brand}`,
    codeSent: 'We have sent a code to your phone.',
    wechatVerified: 'WeChat has confirmed who you are.',
    wecomVerified:
      'You added our advisor on WeCom. Adding them is not an agreement: choose below whether we may send you offers there.',
    codeLabel: 'Code',
    purposesLegend: 'I agree that the brand may use my information to (choose any)',
    channelsLegend: 'Contact me by',
    agreeLabel: 'I have read and agree to the notice on this page',
    ageLegend: 'Your age',
    age14OrOlder: 'I am 14 or older',
    ageUnder14: 'I am under 14',
    agreeButton: 'Agree and join',
  },
  done: {
    title: 'You have joined',
    heading: (brand) => `You have joined ${brand}`,
    purposes: 'You agreed to: ',
    channels: 'Channels: ',
    wayOut: {
      sms: 'SMS: reply T (or 退订) to any of our text messages, or tap the unsubscribe link in it, to stop SMS at once.',
      wechat:
        'WeChat: tap "退订营销消息" (unsubscribe) in our official account menu, or unfollow the account, to stop WeChat messages.',
      wecom: 'WeCom: switch it off in the preference centre below.',
    },
    preferences:
      'You can see, narrow or withdraw what you agreed to at any time in the preference centre; it takes effect at once.',
    openPreferences: 'Open the preference centre',
    alreadyTitle: 'Already a member',
    alreadyHeading: (brand) => `You have already joined ${brand}`,
    alreadyNothingNew: 'This parcel card was already used to join; we recorded nothing new.',
  },
  tooManyTitle: 'Please try again later',
  tooManyText: 'Too many requests. Please wait a minute and try again. We changed nothing.',
  reopen: 'Open the page again',
  unsubscribe: {
    title: 'Confirm unsubscribe',
    heading: (brand, channel) => `Unsubscribe from ${brand} marketing by ${channel}`,
    confirm: 'Unsubscribe',
    doneTitle: 'Unsubscribed',
    done: (brand, channel) => `You have unsubscribed from ${brand} marketing by ${channel}, effective now.`,
    doneBefore: (brand, channel) =>
      `You had already unsubscribed from ${brand} marketing by ${channel}; you will not receive it.`,
    expired: {
      title: 'Page expired',
      message:
        'This page has expired. Please open the unsubscribe link again and confirm. We changed nothing.',
    },
    invalid: {
      title: 'Could not continue',
      message: 'This unsubscribe link is invalid or has expired. You can also reply T to our text message.',
    },
  },
  preferences: {
    title: 'Preference centre',
    heading: (brand) => `${brand} preference centre`,
    nothingActive: 'You have no active marketing consent; we will not send you marketing messages.',
    personalisationLegend: 'Personalised recommendations',
    personalisationLabel:
      'Recommend products to me from my purchases and preferences (switching this off stops all profiling and targeted recommendations at once)',
    pairsLegend: 'Purposes and channels (untick to withdraw, effective at once)',
    notOn: ' (not on)',
    save: 'Save',
    saved: (n) => `Saved, effective now: withdrew ${n} consent${n === 1 ? '' : 's'}.`,
    savedNothing: 'Saved; nothing needed to change.',
    widenHeading: 'Want to turn more on?',
    widenText:
      'This page can only narrow or switch off consent. Turning on a new purpose or channel needs your own act: scan the QR code on a parcel card, read the notice and tick what you agree to (a code confirms your phone).',
    tagChoicesHeading: 'Choose by tag category',
    tagChoicesText: 'Coming soon: allow only some tag categories to be used for recommendations.',
    tagsHeldHeading: 'Tags we hold about you',
    tagsHeldText:
      'Coming soon: see the tags the brand holds about you, where each came from and the consent it rests on.',
  },
};
