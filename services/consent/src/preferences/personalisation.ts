import type { Purpose } from '@siyu/contracts';

/**
 * R11: the one switch. Every purpose that builds or uses a profile of the customer — recommendations
 * from purchases, personalisation, sensitive-category profiling — goes off together, on every channel.
 * Plain marketing messages stay as they are (untargeted), unless the customer unticks them too.
 */
export const PROFILING_PURPOSES: readonly Purpose[] = [
  'purchase_history',
  'personalisation',
  'sensitive_profiling',
];
