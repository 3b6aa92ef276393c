import type { TransformFnParams } from 'class-transformer';

/** A letter, then letters, digits, ".", "_" or "-"; 3–64 characters once lowercased. */
export const USERNAME_PATTERN = /^[a-z][a-z0-9._-]{2,63}$/;

/** Usernames compare case-insensitively: "Alice" and "alice" are one account. */
export function normaliseUsername({ value }: TransformFnParams): unknown {
  return typeof value === 'string' ? value.trim().toLowerCase() : value;
}
