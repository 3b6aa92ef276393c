import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';

/** A mainland mobile number in national form (13912345678), or a precise error. */
export function normaliseMobile(input: unknown): string {
  const parsed = typeof input === 'string' ? parsePhoneNumberFromString(input.trim(), 'CN') : undefined;
  if (!parsed || parsed.country !== 'CN' || !parsed.isValid() || parsed.getType() !== 'MOBILE') {
    throw new QrConsentError(QrConsentErrorCode.PHONE_INVALID, 'phone is not a valid mainland mobile number');
  }
  return parsed.nationalNumber;
}
