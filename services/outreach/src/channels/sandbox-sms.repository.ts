import type { EntityManager } from 'typeorm';

/** The sandbox vendor's sent box and its declared templates (`npm start`'s stand-in for a vendor). */
export class SandboxSmsRepository {
  async findTemplate(
    tx: EntityManager,
    templateCode: string,
    signName: string,
  ): Promise<{ content: string; variables: string[] } | undefined> {
    const [t] = await tx.query(
      "SELECT content, variables FROM sms_templates WHERE vendor = 'sandbox' AND template_code = $1 AND sign_name = $2",
      [templateCode, signName],
    );
    return t;
  }

  /** Stores each message once per send id (a resubmission after a crash finds its first row). */
  async record(
    tx: EntityManager,
    messages: { toMasked: string; body: string; sendId: string }[],
  ): Promise<{ id: string; send_id: string }[]> {
    return tx.query(
      `INSERT INTO sandbox_sms (to_masked, body, send_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[])
       ON CONFLICT (send_id) DO UPDATE SET send_id = EXCLUDED.send_id
       RETURNING id, send_id`,
      [messages.map((m) => m.toMasked), messages.map((m) => m.body), messages.map((m) => m.sendId)],
    );
  }

  async findBySendIds(
    tx: EntityManager,
    sendIds: string[],
  ): Promise<{ id: string; send_id: string; sent_at: Date }[]> {
    return tx.query('SELECT id, send_id, sent_at FROM sandbox_sms WHERE send_id = ANY($1::uuid[])', [
      sendIds,
    ]);
  }

  async recent(
    tx: EntityManager,
    limit: number,
  ): Promise<{ send_id: string | null; to_masked: string; body: string; sent_at: Date }[]> {
    return tx.query('SELECT send_id, to_masked, body, sent_at FROM sandbox_sms ORDER BY id DESC LIMIT $1', [
      limit,
    ]);
  }
}
