import { Matches } from 'class-validator';

/** The shape of a declared purpose (what an audit entry may record of one). */
export const PURPOSE_SHAPE = /^[a-z][a-z_-]{0,39}$/;

export class RevealReceiverRequest {
  /** Any well-formed purpose reaches the use case, so a refused one is audited too (R3, R16). */
  @Matches(PURPOSE_SHAPE, { message: 'purpose must be a lower-case word such as after_sales' })
  purpose: string;
}
