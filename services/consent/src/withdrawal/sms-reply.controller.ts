import { createHmac, timingSafeEqual } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { normaliseMobile } from '../qr-consent/phone';
import { SubjectRepository } from '../subjects/subject.repository';
import { recogniseOptOut } from './sms-keywords';
import { WithdrawConsent } from './withdraw-consent.use-case';
import { WithdrawalError, WithdrawalErrorCode } from './withdrawal.errors';

/**
 * Inbound SMS from the sandbox channel (Aliyun and Tencent Cloud shapes arrive with issue 5),
 * signed with HMAC-SHA256 over the raw body. A keyword withdraws the SMS channel (R9); any other
 * reply is stored, not acted on. The answer is the same whether or not the number is a member.
 */
@Controller('webhooks/sms')
export class SmsReplyController {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly subjects: SubjectRepository,
    private readonly withdraw: WithdrawConsent,
  ) {}

  @Post('sandbox')
  @HttpCode(200)
  @Public('signed-webhook')
  async receive(
    @Req() req: Request & { rawBody?: Buffer },
    @Headers('x-siyu-signature') signature: string,
    @Body() body: Record<string, unknown>,
  ) {
    this.verifySignature(req.rawBody, signature);
    if (typeof body?.from !== 'string' || typeof body?.text !== 'string' || body.text.length > 500) {
      throw new WithdrawalError(
        WithdrawalErrorCode.BODY_INVALID,
        'expected {"from": "<mobile>", "text": "<reply, ≤500 chars>"}',
      );
    }
    const brandId = this.options.brand.id;
    const phoneIndex = this.keys.phoneIndex(brandId, normaliseMobileOrRaw(body.from));
    const keyword = recogniseOptOut(body.text);
    await this.ds.transaction(async (tx) => {
      const subjectRef = keyword ? await this.subjects.findByPhoneIndex(tx, brandId, phoneIndex) : null;
      const outcome = subjectRef
        ? await this.withdraw.withdrawIn(tx, {
            brandId,
            subjectRef,
            purposes: 'all',
            channels: ['sms'],
            source: 'sms_reply',
            evidence: { keyword: keyword! },
          })
        : { withdrawn: false };
      await tx.query('INSERT INTO sms_inbound (phone_index, keyword, text, acted) VALUES ($1, $2, $3, $4)', [
        phoneIndex,
        keyword,
        body.text,
        outcome.withdrawn,
      ]);
    });
    return { ok: true };
  }

  private verifySignature(raw: Buffer | undefined, signature: string | undefined) {
    const expected = createHmac('sha256', this.keys.smsWebhookSecret)
      .update(raw ?? Buffer.alloc(0))
      .digest('hex');
    const given = Buffer.from(String(signature ?? ''));
    if (!raw || given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) {
      throw new WithdrawalError(
        WithdrawalErrorCode.SIGNATURE_INVALID,
        'X-Siyu-Signature does not match the body',
      );
    }
  }
}

function normaliseMobileOrRaw(from: string): string {
  try {
    return normaliseMobile(from);
  } catch {
    return from.trim();
  }
}
