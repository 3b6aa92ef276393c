import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { loadTokenSigner, type TokenSigner } from '@siyu/crypto';
import type { TagCategory } from '@siyu/contracts';
import { AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { MemberRepository } from '../members/member.repository';
import { CategoryOptOutsRepository } from '../optouts/category-optouts.repository';
import { MemberTagsRepository } from '../tags/member-tags.repository';
import { TagDefinitionsRepository } from '../tags/tag-definitions.repository';
import { explainTag, type PageLocale } from './tag-explanations';

export interface HeldView {
  tags: { key: string; categoryId: TagCategory; label: string; category: string; reason: string }[];
  closed: TagCategory[];
  consents: string[];
}

/**
 * "What the brand holds about me" (R12). Audience verifies the preference centre's signed page
 * token itself (purpose `preferences`, same keys as consent); it reads no other service's tables.
 */
@Injectable()
export class WhatWeHold {
  private readonly signer: TokenSigner | null;

  constructor(
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly tags: MemberTagsRepository,
    private readonly definitions: TagDefinitionsRepository,
    private readonly optOuts: CategoryOptOutsRepository,
    private readonly members: MemberRepository,
  ) {
    this.signer = options.preferenceTokenKeys
      ? loadTokenSigner({ UNSUBSCRIBE_TOKEN_KEYS: options.preferenceTokenKeys }, 'UNSUBSCRIBE')
      : null;
  }

  /** Null for a forged, expired or other-brand token (all answered alike). */
  subjectOf(token: string): string | null {
    if (!this.signer) return null;
    try {
      const p = this.signer.verify(token, 'preferences');
      return typeof p.s === 'string' && p.b === this.options.brandId ? p.s : null;
    } catch {
      return null;
    }
  }

  async forToken(tx: EntityManager, token: string, locale: PageLocale): Promise<HeldView | null> {
    const subjectRef = this.subjectOf(token);
    return subjectRef ? this.forSubject(tx, subjectRef, locale) : null;
  }

  /** The view for a verified subject (the caller verified the token: see subjectOf). */
  async forSubject(tx: EntityManager, subjectRef: string, locale: PageLocale): Promise<HeldView> {
    const rows = await this.tags.tagsOf(tx, subjectRef);
    const labels = new Map<string, string>();
    const defs = await Promise.all(
      rows.map((r) => this.definitions.find(tx, this.options.brandId, r.tagKey, r.tagVersion)),
    );
    defs.forEach((d) => d && labels.set(d.key, d.labels[locale]));
    const tags = rows.flatMap((r, i) => {
      const d = defs[i];
      if (!d) return [];
      return [{ key: d.key, categoryId: d.category, ...explainTag(d, r, locale, (k) => labels.get(k) ?? k) }];
    });
    const consents = (await this.members.consentsOf(tx, subjectRef))
      .filter(
        (c) =>
          c.granted && ['purchase_history', 'personalisation', 'sensitive_profiling'].includes(c.purpose),
      )
      .map((c) => `${c.purpose}/${c.channel}`);
    return { tags, closed: await this.optOuts.closedOf(tx, subjectRef), consents };
  }
}
