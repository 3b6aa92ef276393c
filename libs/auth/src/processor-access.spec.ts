import { randomUUID } from 'node:crypto';
import { Controller, Get, type ExecutionContext, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { authKeysFromPem, generateAuthKeyPem } from './auth-keys';
import { AuthGuard } from './auth.guard';
import { Roles } from './decorators';
import {
  fieldsRequested,
  ProcessorAccess,
  type ProcessorGrantLedger,
  type ProcessorRefusalCode,
} from './processor-access';
import type { Actor } from './roles';
import { issueAccessToken } from './token-issuer';

class Ledger implements ProcessorGrantLedger {
  ended = new Set<string>();
  refusals: ProcessorRefusalCode[] = [];
  async hasEnded(grantId: string) {
    return this.ended.has(grantId);
  }
  async recordProcessorRefusal(_actor: Actor, code: ProcessorRefusalCode) {
    this.refusals.push(code);
  }
}

@Controller()
class Routes {
  @Get('declared')
  @Roles('processor')
  @ProcessorAccess({
    fields: ['segment_membership'],
    queryFields: { param: 'tagCategories', prefix: 'tag_values:' },
    ledger: Ledger,
  })
  declared() {}

  @Get('undeclared')
  @Roles('processor', 'marketer')
  undeclared() {}
}

describe('the guard on processor routes (R15)', () => {
  const pem = generateAuthKeyPem();
  const keys = authKeysFromPem(pem.publicKeyPem, pem.privateKeyPem);
  const ledger = new Ledger();
  const guard = new AuthGuard(new Reflector(), keys, (<T>(type: Type<T>) => {
    if (type === (Ledger as unknown as Type<T>)) return ledger as unknown as T;
    throw new Error(`no provider ${type.name}`);
  }) as never);

  async function call(
    handler: 'declared' | 'undeclared',
    fields: string[],
    query: Record<string, string> = {},
  ) {
    const grantId = randomUUID();
    const { token } = await issueAccessToken(
      keys,
      {
        id: 'agency-key',
        kind: 'machine',
        role: 'processor',
        grant: {
          id: grantId,
          purpose: 'campaign_planning',
          fields: fields as never,
          until: new Date(Date.now() + 60_000).toISOString(),
        },
      },
      60,
    );
    const request = {
      headers: { authorization: `Bearer ${token}` },
      query,
      method: 'GET',
      route: { path: `/${handler}` },
    };
    const context = {
      getHandler: () => Routes.prototype[handler],
      getClass: () => Routes,
      switchToHttp: () => ({ getRequest: () => request as unknown as Request }),
    } as unknown as ExecutionContext;
    const outcome = await guard.canActivate(context).then(
      () => 'allowed',
      (err: { response?: { code?: string; message?: string } }) => err.response,
    );
    return { outcome, grantId };
  }

  it('lets a processor through only inside its grant, naming what is missing', async () => {
    expect(
      (await call('declared', ['segment_membership', 'tag_values:lifecycle'], { tagCategories: 'lifecycle' }))
        .outcome,
    ).toBe('allowed');
    const { outcome, grantId } = await call('declared', ['segment_membership'], {
      tagCategories: 'lifecycle,prediction',
    });
    expect(outcome).toEqual({
      code: 'PROCESSOR_FIELD_NOT_GRANTED',
      message: `grant ${grantId} does not include: tag_values:lifecycle, tag_values:prediction`,
    });
    expect(ledger.refusals).toContain('PROCESSOR_FIELD_NOT_GRANTED');
  });

  it('refuses a processor on a route that lists the role but declares no grant fields', async () => {
    expect((await call('undeclared', ['segment_membership'])).outcome).toMatchObject({
      code: 'PROCESSOR_ROUTE_NOT_DECLARED',
    });
  });

  it('refuses a grant the service recorded as ended, whatever the token says', async () => {
    const grantId = randomUUID();
    ledger.ended.add(grantId);
    const { token } = await issueAccessToken(
      keys,
      {
        id: 'agency-key',
        kind: 'machine',
        role: 'processor',
        grant: {
          id: grantId,
          purpose: 'campaign_planning',
          fields: ['segment_membership'],
          until: new Date(Date.now() + 60_000).toISOString(),
        },
      },
      60,
    );
    const request = {
      headers: { authorization: `Bearer ${token}` },
      query: {},
      method: 'GET',
      route: { path: '/declared' },
    };
    const context = {
      getHandler: () => Routes.prototype.declared,
      getClass: () => Routes,
      switchToHttp: () => ({ getRequest: () => request }),
    } as unknown as ExecutionContext;
    await expect(guard.canActivate(context)).rejects.toMatchObject({
      response: { code: 'PROCESSOR_GRANT_ENDED' },
    });
  });

  it('reads the fields a query names, comma-separated or repeated', () => {
    const spec = {
      fields: ['segment_membership' as const],
      queryFields: { param: 'c', prefix: 'tag_values:' },
      ledger: Ledger,
    };
    expect(fieldsRequested(spec, { query: { c: 'lifecycle, prediction' } } as never)).toEqual([
      'segment_membership',
      'tag_values:lifecycle',
      'tag_values:prediction',
    ]);
    expect(fieldsRequested(spec, { query: { c: ['lifecycle', 'spending_power'] } } as never)).toEqual([
      'segment_membership',
      'tag_values:lifecycle',
      'tag_values:spending_power',
    ]);
  });
});
