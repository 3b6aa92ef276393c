import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { Request } from 'express';
import type { Actor, RoleRefusalRecorder } from '@siyu/auth';
import { LookupOrders } from './lookup-orders.query';
import { PURPOSE_SHAPE } from './reveal-receiver.request';
import { RevealReceiver } from './reveal-receiver.use-case';

/**
 * What the role guard records when it refuses a caller on the vault's routes (R16: every attempt
 * to read fulfilment PII is audited, refused ones included). The request has not been validated
 * yet, so only values of the routes' own shapes are recorded; anything else reads `malformed`.
 */
@Injectable()
export class RevealRoleRefusals implements RoleRefusalRecorder {
  constructor(private readonly reveal: RevealReceiver) {}

  recordRoleRefusal(actor: Actor, request: Request): Promise<void> {
    const orderRef = request.params?.orderRef;
    const purpose = (request.body as { purpose?: unknown } | undefined)?.purpose;
    return this.reveal.auditRoleRefusal(
      actor,
      typeof orderRef === 'string' && isUUID(orderRef) ? orderRef : 'malformed',
      typeof purpose === 'string' && PURPOSE_SHAPE.test(purpose) ? purpose : 'malformed',
    );
  }
}

@Injectable()
export class LookupRoleRefusals implements RoleRefusalRecorder {
  constructor(private readonly lookup: LookupOrders) {}

  recordRoleRefusal(actor: Actor, request: Request): Promise<void> {
    return this.lookup.auditRoleRefusal(actor, (request.query ?? {}) as Record<string, unknown>);
  }
}
