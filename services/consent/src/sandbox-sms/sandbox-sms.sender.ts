import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { maskPhone } from '@siyu/privacy';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { SandboxSmsRepository } from './sandbox-sms.repository';

/**
 * Transactional SMS (one-time codes) through the sandbox channel: recorded with the recipient
 * masked, and shown on the console so a person trying `npm start` can read their code.
 */
@Injectable()
export class SandboxSmsSender {
  constructor(
    private readonly keys: ConsentKeys,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly sent: SandboxSmsRepository,
  ) {}

  async send(tx: EntityManager, phone: string, body: string): Promise<void> {
    const masked = maskPhone(phone);
    await this.sent.record(tx, {
      toMasked: masked,
      toIndex: this.keys.phoneIndex(this.options.brand.id, phone),
      body,
    });
    this.options.announce?.(`[sandbox sms] to ${masked}: ${body}`);
  }
}
