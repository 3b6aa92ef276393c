/** The seam to SMS vendors (Aliyun, Tencent Cloud and the sandbox): one class per vendor. */
export interface SmsChannel {
  readonly vendor: string;
  send(to: string, text: string): Promise<{ vendorMessageId: string }>;
}

export const SMS_CHANNEL = 'SMS_CHANNEL';
