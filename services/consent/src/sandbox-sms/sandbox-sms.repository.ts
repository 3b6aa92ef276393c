import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What the sandbox channel "sent": the recipient only masked and as a blind index, never in clear. */
@Injectable()
export class SandboxSmsRepository {
  async record(tx: EntityManager, sms: { toMasked: string; toIndex: string; body: string }): Promise<void> {
    await tx.query('INSERT INTO sandbox_sms (to_masked, to_index, body) VALUES ($1, $2, $3)', [
      sms.toMasked,
      sms.toIndex,
      sms.body,
    ]);
  }
}
