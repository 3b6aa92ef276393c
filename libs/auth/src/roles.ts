export const STAFF_ROLES = ['admin', 'ops', 'marketer', 'privacy_officer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/**
 * Machine callers (platform pushes, processors) authenticate with an API key exchanged for a token.
 * `auditor`: privacy's scheduled audit-chain verification (R20); it may call the chain verifiers only.
 */
export const MACHINE_ROLES = ['platform', 'auditor'] as const;
export type MachineRole = (typeof MACHINE_ROLES)[number];
export type Role = StaffRole | MachineRole;

export interface Actor {
  /** Account or API key id; this is what audit entries name. */
  id: string;
  kind: 'staff' | 'machine';
  role: Role;
}
