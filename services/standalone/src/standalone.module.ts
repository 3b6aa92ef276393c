import { DynamicModule, Module } from '@nestjs/common';
import type { AuthKeys } from '@siyu/auth';
import type { MessageTransport } from '@siyu/messaging';
import { ObservabilityModule } from '@siyu/observability';
import { AudienceModule } from '../../audience/src/audience.module';
import { ConsentModule } from '../../consent/src/consent.module';
import type { BrandProfile } from '../../consent/src/consent.options';
import { IdentityModule } from '../../identity/src/identity.module';
import { OrdersModule } from '../../orders/src/orders.module';
import { OutreachModule } from '../../outreach/src/outreach.module';
import { FRONT_DOOR_LINKS, FrontDoorController } from './front-door/front-door.controller';
import type { FrontDoorLinks } from './front-door/front-door.page';
import { PrivacyModule } from '../../privacy/src/privacy.module';

export interface StandaloneOptions {
  adminDatabaseUrl: string;
  transport: MessageTransport;
  env: Record<string, string | undefined>;
  authKeys: AuthKeys;
  brand: BrandProfile;
  publicBaseUrl: string;
  announce: (line: string) => void;
  freshnessBoundMs?: number;
  /** `npm start`: the generated auditor API key identity registers on first start (R20). */
  provisionAuditorApiKey?: string;
  /** Optional entries of the page at `/` (API docs, console) once they are served. */
  frontDoor?: Omit<FrontDoorLinks, 'brandName'>;
}

/**
 * The composition root: every service in one process on one HTTP port (`npm start`). Each service
 * keeps its own schema, role, keys and consumer group; only the transport is shared.
 */
@Module({})
export class StandaloneModule {
  static register(o: StandaloneOptions): DynamicModule {
    const common = { adminDatabaseUrl: o.adminDatabaseUrl, transport: o.transport, env: o.env };
    return {
      module: StandaloneModule,
      controllers: [FrontDoorController],
      providers: [{ provide: FRONT_DOOR_LINKS, useValue: { ...o.frontDoor, brandName: o.brand.name } }],
      imports: [
        ObservabilityModule.forRoot(),
        IdentityModule.register({
          adminDatabaseUrl: o.adminDatabaseUrl,
          authKeys: o.authKeys,
          announce: o.announce,
          transport: o.transport,
          provisionAuditorApiKey: o.provisionAuditorApiKey,
        }),
        OrdersModule.register({ ...common, publicBaseUrl: o.publicBaseUrl, brandId: o.brand.id }),
        ConsentModule.register({
          ...common,
          brand: o.brand,
          publicBaseUrl: o.publicBaseUrl,
          announce: o.announce,
        }),
        AudienceModule.register({
          adminDatabaseUrl: o.adminDatabaseUrl,
          transport: o.transport,
          brandId: o.brand.id,
          // R12: audience verifies the preference centre's page token itself ("what we hold").
          preferenceTokenKeys: o.env.UNSUBSCRIBE_TOKEN_KEYS,
          env: o.env,
        }),
        OutreachModule.register({
          ...common,
          brand: { id: o.brand.id, signature: o.brand.signature },
          publicBaseUrl: o.publicBaseUrl,
          announce: o.announce,
          freshnessBoundMs: o.freshnessBoundMs,
        }),
        PrivacyModule.register({
          ...common,
          brandId: o.brand.id,
          brandName: o.brand.name,
          announce: o.announce,
          reminderIntervalMs: 3_600_000,
          individualsCountIntervalMs: 86_400_000,
        }),
      ],
    };
  }
}
