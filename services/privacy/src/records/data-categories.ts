/** What a column holds, for the processing records and data map (R18). */
export const DATA_CATEGORIES = {
  subject_ref: 'opaque subject reference (pseudonymous personal data)',
  contact_sealed: 'contact point (phone, openid) encrypted under a service key',
  contact_masked: 'masked contact point (e.g. 139****5678): still personal data (R1)',
  contact_index: 'blind index (HMAC) of a contact point, for lookup without plaintext',
  client_address_index: 'keyed hash (HMAC) of a client network address, for per-address request limits',
  receiver_sealed: 'receiver name/phone/address or buyer id as the platform sent them, encrypted',
  buyer_pseudonym: 'HMAC pseudonym of a platform buyer',
  purchase: 'order facts: dates, amounts, items, status, logistics',
  consent_record: 'what was agreed or withdrawn, when, under which notice, with which evidence',
  marketing_profile: 'membership, preferences, tags, segments derived under consent',
  message: 'marketing message content or delivery state',
  staff: 'staff account data (username, role, password hash)',
  request: 'data-subject request and its receipts',
  audit: 'audit trail entry (actor, action, purpose, opaque subject)',
  technical: 'keys, sequence numbers, hashes, timestamps, configuration — no personal data by itself',
} as const;
export type DataCategory = keyof typeof DATA_CATEGORIES;

/** Why a table exists (the processing purpose) and on which legal basis (PIPL Art. 13). */
export const PROCESSING_PURPOSES = {
  fulfilment: { basis: 'contract (PIPL 13(2))', description: 'delivery and after-sales of platform orders' },
  consent_proof: {
    basis: 'legal obligation (PIPL 13(3))',
    description: 'proving consent and its withdrawal',
  },
  marketing: {
    basis: 'consent (PIPL 13(1))',
    description: 'marketing messages, segments and personalisation',
  },
  data_subject_rights: {
    basis: 'legal obligation (PIPL 13(3))',
    description: 'answering PIPL Arts. 44–47 requests',
  },
  security: {
    basis: 'legal obligation (PIPL 51)',
    description: 'access control, audit trail, key management',
  },
  operations: {
    basis: 'legitimate operation of the service',
    description: 'messaging, migrations, configuration',
  },
} as const;
export type ProcessingPurpose = keyof typeof PROCESSING_PURPOSES;
