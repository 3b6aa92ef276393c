import type { Channel, Purpose } from '@siyu/contracts';
import type { NoticeLocale } from '../notices/notice';
import { PreferencesErrorCode } from '../preferences/preferences.errors';
import { QrConsentErrorCode } from '../qr-consent/qr-consent.errors';

interface CustomerError {
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
    codeLabel: string;
    purposesLegend: string;
    channelsLegend: string;
    agreeLabel: string;
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
  qrErrors: Record<QrConsentErrorCode, CustomerError>;
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
    errors: Record<PreferencesErrorCode, CustomerError>;
  };
}

const ZH_CN: PageMessages = {
  languageName: '中文',
  listSeparator: '、',
  purposes: {
    marketing_messages: '接收营销信息（活动、新品、优惠）',
    purchase_history: '使用我在本店的购买记录为我推荐',
    personalisation: '个性化推荐（画像）',
    sensitive_profiling: '使用敏感类商品的购买记录（单独同意）',
  },
  channels: { sms: '短信', wechat: '微信', wecom: '企业微信' },
  notice: {
    label: '个人信息处理告知',
    heading: (brand, version) => `${brand} 个人信息处理告知（第 ${version} 版）`,
    processingMethods: '处理方式：',
    dataCategories: '个人信息种类：',
    retention: '保存期限：',
    profiling: '画像说明：',
    rights: '您的权利：',
    contact: '联系我们：',
  },
  join: {
    title: (brand) => `加入${brand}会员`,
    phoneLabel: '手机号码',
    getCode: '获取验证码',
    wechatAuthorise: '用微信授权',
    confirmTitle: '确认同意',
    confirmHeading: (brand) => `确认加入 ${brand} 会员`,
    codeSent: '验证码已发送至您的手机。',
    wechatVerified: '已通过微信确认您的身份。',
    codeLabel: '验证码',
    purposesLegend: '我同意品牌将我的信息用于（可多选）',
    channelsLegend: '通过以下渠道联系我',
    agreeLabel: '我已阅读并同意上述个人信息处理告知',
    agreeButton: '同意并加入',
  },
  done: {
    title: '已加入',
    heading: (brand) => `已加入 ${brand} 会员`,
    purposes: '您同意了：',
    channels: '渠道：',
    wayOut: {
      sms: '短信：随时回复“T”或“退订”即可退订短信，或点击短信中的退订链接。',
      wechat: '微信：在公众号菜单点击“退订营销消息”，或取消关注公众号，即可停止微信消息。',
      wecom: '企业微信：在下方的偏好中心关闭即可。',
    },
    preferences: '您可以随时在偏好中心查看、减少或撤回您的授权，立即生效。',
    openPreferences: '打开偏好中心',
    alreadyTitle: '您已加入',
    alreadyHeading: (brand) => `您已加入 ${brand} 会员`,
    alreadyNothingNew: '此包裹卡已用于加入会员，我们没有重复记录。',
  },
  tooManyTitle: '请稍后再试',
  tooManyText: '请求过于频繁，请稍等一分钟后再试。我们没有做任何更改。',
  reopen: '重新打开页面',
  qrErrors: {
    LINK_INVALID: {
      title: '二维码无效',
      message: '此二维码无效，可能不完整或被改动过。请直接扫描包裹卡上的二维码。',
    },
    LINK_EXPIRED: {
      title: '二维码已过期',
      message: '此二维码已过期，无法再用于加入会员。我们没有记录任何信息。',
    },
    PHONE_INVALID: { title: '无法完成', message: '请输入有效的中国大陆手机号码。' },
    TOO_MANY_CODES: { title: '请稍后再试', message: '验证码请求过于频繁，请稍后再试。' },
    CODE_INVALID: { title: '无法完成', message: '验证码错误或已过期，请重新获取。' },
    CARD_ALREADY_USED: {
      title: '此包裹卡已被使用',
      message:
        '此包裹卡已被用于加入会员，每张包裹卡只能关联一位会员。我们没有记录任何信息。您仍可以通过品牌的其他方式（如店铺会员、公众号）加入会员，只是不会关联此订单。',
    },
    NO_AGREEMENT: { title: '无法完成', message: '您未勾选同意，我们没有记录任何同意。' },
    NOTHING_CHOSEN: {
      title: '无法完成',
      message: '请至少勾选一项用途和一个渠道；否则我们不会记录任何同意。',
    },
    NO_NOTICE: { title: '无法完成', message: '品牌尚未发布个人信息处理告知，暂不能加入。' },
    FORM_EXPIRED: {
      title: '页面已过期',
      message: '页面已过期或不是从本页面提交的，请重新打开后再试。我们没有记录任何信息。',
    },
    NOTICE_MISMATCH: {
      title: '告知与页面不符',
      message:
        '提交的告知版本或语言与本页面显示的不一致，可能被改动过。我们没有记录任何信息，请重新打开页面。',
    },
    NOTICE_CHANGED: {
      title: '告知已更新',
      message: '品牌刚刚更新了个人信息处理告知。请阅读下方的新版本后再确认；我们没有记录任何信息。',
    },
    WECHAT_AUTH_FAILED: {
      title: '微信授权未完成',
      message: '微信授权未完成、已过期或无效，请重新打开页面再试，或改用手机验证码。我们没有记录任何信息。',
    },
    WECHAT_UNAVAILABLE: {
      title: '微信授权未完成',
      message: '微信授权暂不可用，请改用手机验证码加入。我们没有记录任何信息。',
    },
  },
  unsubscribe: {
    title: '退订确认',
    heading: (brand, channel) => `退订 ${brand} 的${channel}营销信息`,
    confirm: '确认退订',
    doneTitle: '已退订',
    done: (brand, channel) => `您已退订 ${brand} 的${channel}营销信息，立即生效。`,
    doneBefore: (brand, channel) => `您此前已退订 ${brand} 的${channel}营销信息，不会再收到。`,
    expired: {
      title: '页面已过期',
      message: '页面已过期，请重新打开退订链接后再确认。我们没有做任何更改。',
    },
    invalid: { title: '无法完成', message: '此退订链接无效或已过期。您也可以直接回复短信“T”退订。' },
  },
  preferences: {
    title: '偏好中心',
    heading: (brand) => `${brand} 偏好中心`,
    nothingActive: '您目前没有任何有效的营销授权，我们不会向您发送营销信息。',
    personalisationLegend: '个性化推荐',
    personalisationLabel: '根据我的购买记录和偏好为我推荐（关闭后，所有画像与定向推荐立即停止）',
    pairsLegend: '用途与渠道（取消勾选即撤回，立即生效）',
    notOn: '（未开启）',
    save: '保存',
    saved: (n) => `已保存，立即生效：撤回了 ${n} 项授权。`,
    savedNothing: '已保存，没有需要更改的内容。',
    widenHeading: '想开启更多？',
    widenText:
      '此页面只能减少或关闭授权。开启新的用途或渠道需要您主动同意：请扫描包裹卡上的二维码，阅读个人信息处理告知，并勾选您同意的内容（验证码确认手机号）。',
    tagChoicesHeading: '按标签类别选择',
    tagChoicesText: '即将推出：您可以只允许部分标签类别用于推荐。',
    tagsHeldHeading: '我们持有的关于您的标签',
    tagsHeldText: '即将推出：查看品牌持有的关于您的标签、其来源及所依据的同意。',
    errors: {
      PREFERENCE_LINK_INVALID: {
        title: '链接无效',
        message: '此偏好设置链接无效或已过期。您也可以直接回复短信“T”退订。',
      },
      SUBJECT_UNKNOWN: {
        title: '链接无效',
        message: '此偏好设置链接无效或已过期。您也可以直接回复短信“T”退订。',
      },
      PREFERENCE_FORM_EXPIRED: {
        title: '页面已过期',
        message: '页面已过期，请重新打开偏好设置链接后再提交。我们没有做任何更改。',
      },
      PREFERENCE_WIDENING_REFUSED: {
        title: '无法完成',
        message:
          '此页面只能减少或关闭授权。要开启新的用途或渠道，需要您扫描包裹卡上的二维码，阅读告知并主动勾选同意。我们没有做任何更改。',
      },
    },
  },
};

const EN: PageMessages = {
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
    codeLabel: 'Code',
    purposesLegend: 'I agree that the brand may use my information to (choose any)',
    channelsLegend: 'Contact me by',
    agreeLabel: 'I have read and agree to the notice on this page',
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
  qrErrors: {
    LINK_INVALID: {
      title: 'Invalid QR code',
      message:
        'This QR code is not valid; it may be incomplete or altered. Please scan the code on your parcel card.',
    },
    LINK_EXPIRED: {
      title: 'QR code expired',
      message: 'This QR code has expired and can no longer be used to join. We recorded nothing.',
    },
    PHONE_INVALID: {
      title: 'Could not continue',
      message: 'Please enter a valid mainland China mobile number.',
    },
    TOO_MANY_CODES: {
      title: 'Please try again later',
      message: 'Too many codes requested. Please try again later.',
    },
    CODE_INVALID: {
      title: 'Could not continue',
      message: 'The code is wrong or has expired. Please request a new one.',
    },
    CARD_ALREADY_USED: {
      title: 'Parcel card already used',
      message:
        "This parcel card was already used to join, and each card can link to one member only. We recorded nothing. You can still join through the brand's other ways in (such as its shop membership or official account), just without a link to this order.",
    },
    NO_AGREEMENT: {
      title: 'Could not continue',
      message: 'You did not tick "I agree", so we recorded no consent.',
    },
    NOTHING_CHOSEN: {
      title: 'Could not continue',
      message: 'Please tick at least one purpose and one channel; otherwise we record no consent.',
    },
    NO_NOTICE: {
      title: 'Could not continue',
      message: 'The brand has not published its personal information notice yet, so joining is not possible.',
    },
    FORM_EXPIRED: {
      title: 'Page expired',
      message:
        'This page has expired or was not sent from this page. Please open it again. We recorded nothing.',
    },
    NOTICE_MISMATCH: {
      title: 'Notice does not match the page',
      message:
        'The notice version or language sent does not match the one this page showed; it may have been altered. We recorded nothing. Please open the page again.',
    },
    NOTICE_CHANGED: {
      title: 'The notice has been updated',
      message:
        'The brand has just updated its personal information notice. Please read the new version below and confirm again; we recorded nothing.',
    },
    WECHAT_AUTH_FAILED: {
      title: 'WeChat sign-in not completed',
      message:
        'WeChat sign-in was not completed, has expired or is invalid. Please open the page again, or use a code sent to your phone. We recorded nothing.',
    },
    WECHAT_UNAVAILABLE: {
      title: 'WeChat sign-in not completed',
      message:
        'WeChat sign-in is not available right now. Please join with a code sent to your phone. We recorded nothing.',
    },
  },
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
    errors: {
      PREFERENCE_LINK_INVALID: {
        title: 'Invalid link',
        message: 'This preference link is invalid or has expired. You can also reply T to our text message.',
      },
      SUBJECT_UNKNOWN: {
        title: 'Invalid link',
        message: 'This preference link is invalid or has expired. You can also reply T to our text message.',
      },
      PREFERENCE_FORM_EXPIRED: {
        title: 'Page expired',
        message: 'This page has expired. Please open the preference link again and save. We changed nothing.',
      },
      PREFERENCE_WIDENING_REFUSED: {
        title: 'Could not continue',
        message:
          'This page can only narrow or switch off consent. To turn on a new purpose or channel, scan the QR code on a parcel card, read the notice and tick what you agree to. We changed nothing.',
      },
    },
  },
};

export const PAGE_MESSAGES: Record<NoticeLocale, PageMessages> = { 'zh-CN': ZH_CN, en: EN };
