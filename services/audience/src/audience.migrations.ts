import { AuditAnchors1763900007000, AuditTrail1763900000001 } from '@siyu/audit';
import { MessagingTables1763900000000 } from '@siyu/messaging';
import { AudienceInitial1763900000200 } from './migrations/1763900000200-audience-initial';
import { ReleasedFacts1763900000201 } from './migrations/1763900000201-released-facts';
import { TagsAndSegmentRules1763900000202 } from './migrations/1763900000202-tags-and-segment-rules';
import { SegmentVersionsAndChangeLog1763900000203 } from './migrations/1763900000203-segment-versions-and-change-log';
import { ReleasedFactPlatform1763900000204 } from './migrations/1763900000204-released-fact-platform';
import { SegmentWholeVersionOwed1763900000205 } from './migrations/1763900000205-segment-whole-version-owed';
import { MemberTagsTextIndexPartial1763900000206 } from './migrations/1763900000206-member-tags-text-index-partial';
import { ProcessorGrantEndings1763900007300 } from './migrations/1763900007300-processor-grant-endings';
import { ProcessorPageCursors1763900007310 } from './migrations/1763900007310-processor-page-cursors';

/** Audience's schema, in order (the module, the tests and the benchmark run the same list). */
export const AUDIENCE_MIGRATIONS = [
  MessagingTables1763900000000,
  // Reads of one member's profile (explain, lineage, the customer's own page) are audited (R16).
  AuditTrail1763900000001,
  AuditAnchors1763900007000,
  AudienceInitial1763900000200,
  ReleasedFacts1763900000201,
  TagsAndSegmentRules1763900000202,
  SegmentVersionsAndChangeLog1763900000203,
  ReleasedFactPlatform1763900000204,
  SegmentWholeVersionOwed1763900000205,
  MemberTagsTextIndexPartial1763900000206,
  ProcessorGrantEndings1763900007300,
  ProcessorPageCursors1763900007310,
];
