/** Kinds of personal data that `detectUnmaskedPii` recognises in free text (R1, R16). */
export const PII_KINDS = ['mobile_phone', 'resident_id', 'email'] as const;
export type PiiKind = (typeof PII_KINDS)[number];
