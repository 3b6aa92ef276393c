import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { MessagingTables1763900000000 } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import type { DataSource } from 'typeorm';
import { ApiKeyRepository } from './api-keys/api-key.repository';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { CreateApiKey } from './api-keys/create-api-key.use-case';
import { IssueMachineToken } from './api-keys/issue-machine-token.use-case';
import { ProvisionAuditorApiKey } from './api-keys/provision-auditor-api-key.use-case';
import { ListApiKeys } from './api-keys/list-api-keys.query';
import { RevokeApiKey } from './api-keys/revoke-api-key.use-case';
import { IDENTITY_DATA_SUBJECT_REQUEST_PROVIDERS } from './data-subject-requests/data-subject-requests.consumer';
import { IDENTITY_DB, IDENTITY_OPTIONS, type IdentityModuleOptions } from './identity.options';
import { AuditorApiKeys1763900007200 } from './migrations/1763900007200-auditor-api-keys';
import { ProcessorApiKeys1763900007300 } from './migrations/1763900007300-processor-api-keys';
import { ProcessorGrantsConsumer } from './processor-grants/processor-grants.consumer';
import { IdentityProcessorGrantsRepository } from './processor-grants/processor-grants.repository';
import { IdentityInitial1763900000500 } from './migrations/1763900000500-identity-initial';
import { ChangeOwnPassword } from './staff-accounts/change-own-password.use-case';
import { CreateFirstAdmin } from './staff-accounts/create-first-admin.use-case';
import { CreateStaffAccount } from './staff-accounts/create-staff-account.use-case';
import { ListStaffAccounts } from './staff-accounts/list-staff-accounts.query';
import { LogIn } from './staff-accounts/log-in.use-case';
import { LoginThrottle } from './staff-accounts/login-throttle';
import { StaffAccountRepository } from './staff-accounts/staff-account.repository';
import { StaffAccountsController } from './staff-accounts/staff-accounts.controller';
import { serviceReadiness } from '@siyu/observability';

export { IDENTITY_DB, IDENTITY_OPTIONS, type IdentityModuleOptions } from './identity.options';

/** Staff accounts, API keys for machine callers, and the only place that signs access tokens. */
@Module({})
export class IdentityModule implements OnApplicationBootstrap, OnApplicationShutdown {
  static register(options: IdentityModuleOptions): DynamicModule {
    if (!options.authKeys.privateKey)
      throw new Error('identity needs AUTH_PRIVATE_KEY: it signs every access token');
    return {
      module: IdentityModule,
      controllers: [StaffAccountsController, ApiKeysController],
      providers: [
        ...serviceReadiness({ service: 'identity', db: IDENTITY_DB }),
        { provide: IDENTITY_OPTIONS, useValue: options },
        {
          provide: IDENTITY_DB,
          useFactory: async () =>
            openServiceDataSource({
              database: await provisionServiceDatabase(options.adminDatabaseUrl, 'identity'),
              entities: [],
              migrations: [
                MessagingTables1763900000000,
                IdentityInitial1763900000500,
                AuditorApiKeys1763900007200,
                ProcessorApiKeys1763900007300,
              ],
            }),
        },
        // One counter per app instance, so two apps in one test run do not share lockouts.
        { provide: LoginThrottle, useValue: new LoginThrottle() },
        StaffAccountRepository,
        ApiKeyRepository,
        { provide: IdentityProcessorGrantsRepository, useValue: new IdentityProcessorGrantsRepository() },
        ProcessorGrantsConsumer,
        LogIn,
        CreateStaffAccount,
        ChangeOwnPassword,
        CreateFirstAdmin,
        CreateApiKey,
        RevokeApiKey,
        IssueMachineToken,
        ProvisionAuditorApiKey,
        ListStaffAccounts,
        ListApiKeys,
        ...IDENTITY_DATA_SUBJECT_REQUEST_PROVIDERS,
      ],
    };
  }

  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
    private readonly createFirstAdmin: CreateFirstAdmin,
    private readonly provisionAuditorKey: ProvisionAuditorApiKey,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const auditor = await this.provisionAuditorKey.execute();
    if (auditor === 'created')
      this.options.announce?.(
        'identity: first start, registered the auditor API key from the secrets file: scheduled audit-chain verification is on',
      );
    if (auditor === 'revoked')
      this.options.announce?.(
        'identity: the provisioned auditor API key was revoked; scheduled audit-chain verification needs a new key in PRIVACY_AUDITOR_API_KEY',
      );
    const created = await this.createFirstAdmin.execute();
    if (!created) return;
    this.options.announce?.(
      `identity: first start, created admin account "${created.username}" with one-time password ${created.password}` +
        ' - change it with POST /api/v1/identity/accounts/me/password',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ds.destroy();
  }
}
