import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { generateDataKey, KeyRing } from '@siyu/crypto';
import { DataKeyRepository } from './data-key.repository';

/** Envelope encryption (R16): one data key per buyer pseudonym, so shredding a buyer is one delete (R17). */
@Injectable()
export class BuyerDataKeys {
  constructor(
    private readonly keyRing: KeyRing,
    private readonly dataKeys: DataKeyRepository,
  ) {}

  /** The live data key of each buyer, creating keys for buyers seen for the first time. */
  async forBuyers(tx: EntityManager, pseudonyms: string[]): Promise<Map<string, Buffer>> {
    const wanted = [...new Set(pseudonyms)];
    const keys = new Map<string, Buffer>();
    for (const stored of await this.dataKeys.findByPseudonyms(tx, wanted)) {
      if (stored.wrappedKey) keys.set(stored.buyerPseudonym, this.keyRing.unwrap(stored.wrappedKey));
    }
    const fresh = wanted
      .filter((p) => !keys.has(p))
      .map((p) => ({ buyerPseudonym: p, dataKey: generateDataKey() }));
    const written = await this.dataKeys.storeNewKeys(
      tx,
      fresh.map((f) => ({ buyerPseudonym: f.buyerPseudonym, wrappedKey: this.keyRing.wrap(f.dataKey) })),
    );
    for (const f of fresh) if (written.has(f.buyerPseudonym)) keys.set(f.buyerPseudonym, f.dataKey);
    // A key another writer stored meanwhile: read theirs rather than overwrite it.
    const raced = wanted.filter((p) => !keys.has(p));
    for (const stored of await this.dataKeys.findByPseudonyms(tx, raced)) {
      if (stored.wrappedKey) keys.set(stored.buyerPseudonym, this.keyRing.unwrap(stored.wrappedKey));
    }
    if (keys.size !== wanted.length) throw new Error('a buyer data key could not be created');
    return keys;
  }

  unwrap(wrappedKey: string): Buffer {
    return this.keyRing.unwrap(wrappedKey);
  }
}
