import type { SmsVendor, SmsVendorChannel } from './sms-vendor.channel';

/** The SMS vendors this deployment is configured for (the sandbox always; Aliyun/Tencent by env). */
export class SmsChannels {
  private readonly byVendor: Map<SmsVendor, SmsVendorChannel>;

  constructor(channels: SmsVendorChannel[]) {
    this.byVendor = new Map(channels.map((c) => [c.vendor, c]));
  }

  get(vendor: SmsVendor): SmsVendorChannel | undefined {
    return this.byVendor.get(vendor);
  }

  vendors(): SmsVendor[] {
    return [...this.byVendor.keys()];
  }
}
