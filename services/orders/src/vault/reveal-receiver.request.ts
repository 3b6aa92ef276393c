import { Matches } from 'class-validator';

export class RevealReceiverRequest {
  /** Any well-formed purpose reaches the use case, so a refused one is audited too (R3, R16). */
  @Matches(/^[a-z][a-z_-]{0,39}$/, { message: 'purpose must be a lower-case word such as after_sales' })
  purpose: string;
}
