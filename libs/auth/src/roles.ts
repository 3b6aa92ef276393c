import type { ProcessorGrantScope } from '@siyu/contracts';

export const STAFF_ROLES = ['admin', 'ops', 'marketer', 'privacy_officer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/**
 * Machine callers (platform pushes, processors) authenticate with an API key exchanged for a token.
 * `auditor`: privacy's scheduled audit-chain verification (R20); it may call the chain verifiers only.
 * `processor`: an entrusted agency (R15); its token carries one grant and opens only routes that
 * declare `@ProcessorAccess`, within the grant's fields and period.
 */
export const MACHINE_ROLES = ['platform', 'auditor', 'processor'] as const;
export type MachineRole = (typeof MACHINE_ROLES)[number];
export type Role = StaffRole | MachineRole;

export interface Actor {
  /** Account or API key id; this is what audit entries name. */
  id: string;
  kind: 'staff' | 'machine';
  role: Role;
  /** Only for role `processor` (R15): the grant its API key is bound to. */
  grant?: ProcessorGrantScope;
}
