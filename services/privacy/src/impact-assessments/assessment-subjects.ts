import { PURPOSES } from '@siyu/contracts';
import { PROCESSORS } from '../processors/processor-register';

/**
 * What needs a personal-information impact assessment (PIPIA, PIPL Art. 55): sensitive data, each
 * entrusted processor, each marketing purpose (a change of purpose from order data, R3) and each
 * automated decision. Generated from the code, so a new processor or purpose shows up as missing.
 */
export interface AssessmentSubject {
  key: string;
  reason: string;
}

const PURPOSE_REASONS: Record<(typeof PURPOSES)[number], string> = {
  marketing_messages: 'marketing to individuals (PIPL Art. 55(4) — processing with a major impact)',
  purchase_history: 'order data used for marketing: a change of purpose under separate consent (R3)',
  personalisation: 'automated decision-making: personalised content (PIPL Art. 55(2))',
  sensitive_profiling: 'sensitive personal information (PIPL Art. 55(1), R2)',
};

export const AUTOMATED_DECISIONS: AssessmentSubject[] = [
  {
    key: 'automated_decision:segment_targeting',
    reason: 'segments choose who receives a campaign (PIPL Art. 24, 55(2))',
  },
  {
    key: 'automated_decision:prediction_tags',
    reason: 'prediction tags score members from stored model coefficients (PIPL Art. 24, 55(2))',
  },
];

export function requiredAssessmentSubjects(): AssessmentSubject[] {
  return [
    ...PURPOSES.map((p) => ({ key: `purpose:${p}`, reason: PURPOSE_REASONS[p] })),
    ...AUTOMATED_DECISIONS,
    ...PROCESSORS.map((p) => ({
      key: `processor:${p.id}`,
      reason: `entrusting ${p.name} (PIPL Art. 55(3))`,
    })),
    {
      key: 'minors:under_14',
      reason: 'personal information of children under 14 is sensitive (PIPL Art. 28, 31; R2)',
    },
  ];
}

/** PIPL Art. 56: the report and the processing record are kept at least three years. */
export const ASSESSMENT_KEEP_YEARS = 3;
