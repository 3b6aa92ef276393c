import {
  Inject,
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AuditAnchors1763900007000, auditAnchorProviders, AuditTrail1763900000001 } from '@siyu/audit';
import { TOPICS } from '@siyu/contracts';
import { MessagingTables1763900000000, ServiceMessaging } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase, RecurringJob } from '@siyu/persistence';
import { ConfirmRequesterCode } from './customer-requests/confirm-requester-code.use-case';
import { CustomerRequestStatus } from './customer-requests/customer-request-status';
import {
  CustomerExportController,
  CustomerRequestsController,
} from './customer-requests/customer-requests.controller';
import { RightsPageRateLimit } from './customer-requests/public-page-rate-limit';
import { RequesterAnswersConsumer } from './customer-requests/requester-answers.consumer';
import { RequesterChallengeRepository } from './customer-requests/requester-challenge.repository';
import { StartCustomerRequest } from './customer-requests/start-customer-request.use-case';
import { DataSubjectAnswersConsumer } from './data-subject-requests/data-subject-answers.consumer';
import { DataSubjectRequestRepository } from './data-subject-requests/data-subject-request.repository';
import { DataSubjectRequestsController } from './data-subject-requests/data-subject-requests.controller';
import { ListRequestsController } from './data-subject-requests/list-requests.controller';
import { ListRequests } from './data-subject-requests/list-requests.query';
import { RequestListRepository } from './data-subject-requests/request-list.repository';
import { LogRequest } from './data-subject-requests/log-request.use-case';
import { RemindSilentServices } from './data-subject-requests/remind-silent-services.use-case';
import { RequestStatus } from './data-subject-requests/request-status';
import { RecordsController } from './records/records.controller';
import { PrivacyInitial1763900003000 } from './migrations/1763900003000-privacy-initial';
import { CustomerRequests1763900004000 } from './migrations/1763900004000-customer-requests';
import { WithdrawAllRequests1763900004100 } from './migrations/1763900004100-withdraw-all-requests';
import { CorrectionRequests1763900006000 } from './migrations/1763900006000-correction-requests';
import { ProcessorContracts1763900006100 } from './migrations/1763900006100-processor-contracts';
import { IndividualsCounts1763900006200 } from './migrations/1763900006200-individuals-counts';
import { ImpactAssessments1763900006300 } from './migrations/1763900006300-impact-assessments';
import { SubjectLookups1763900006400 } from './migrations/1763900006400-subject-lookups';
import { ChallengeCorrections1763900006500 } from './migrations/1763900006500-challenge-corrections';
import { LookUpSubject } from './subject-lookups/look-up-subject.use-case';
import { SubjectLookupAnswersConsumer } from './subject-lookups/subject-lookup-answers.consumer';
import { SubjectLookupQuery } from './subject-lookups/subject-lookup.query';
import { SubjectLookupsController } from './subject-lookups/subject-lookups.controller';
import { SubjectLookupsRepository } from './subject-lookups/subject-lookups.repository';
import { ImpactAssessmentsController } from './impact-assessments/impact-assessments.controller';
import { ImpactAssessmentsQuery } from './impact-assessments/impact-assessments.query';
import { ImpactAssessmentsRepository } from './impact-assessments/impact-assessments.repository';
import { RecordImpactAssessment } from './impact-assessments/record-impact-assessment.use-case';
import { DeleteExpiredAssessments } from './impact-assessments/delete-expired-assessments.use-case';
import { AssessmentRetentionJob } from './impact-assessments/assessment-retention.job';
import { IndividualsCountAnswersConsumer } from './individuals-count/individuals-count-answers.consumer';
import { IndividualsCountController } from './individuals-count/individuals-count.controller';
import { IndividualsCountQuery } from './individuals-count/individuals-count.query';
import { IndividualsCountRepository } from './individuals-count/individuals-count.repository';
import { StartIndividualsCount } from './individuals-count/start-individuals-count.use-case';
import { ProcessorContractsRepository } from './processors/processor-contracts.repository';
import { ProcessorRegisterQuery } from './processors/processor-register.query';
import { ProcessorsController } from './processors/processors.controller';
import { RecordProcessorContract } from './processors/record-processor-contract.use-case';
import { PRIVACY_DB, PRIVACY_OPTIONS, type PrivacyModuleOptions } from './privacy.options';
import { ProcessorGrants1763900007300 } from './migrations/1763900007300-processor-grants';
import { ConfirmProcessorDeletion } from './processor-grants/confirm-processor-deletion.use-case';
import { IssueProcessorGrant } from './processor-grants/issue-processor-grant.use-case';
import { ProcessorGrantsController } from './processor-grants/processor-grants.controller';
import { ProcessorGrantsQuery } from './processor-grants/processor-grants.query';
import { ProcessorGrantsRepository } from './processor-grants/processor-grants.repository';
import { RevokeProcessorGrant } from './processor-grants/revoke-processor-grant.use-case';
import { WatchProcessorDeletions } from './processor-grants/watch-processor-deletions.use-case';

import { PrivacyAuditTrailController } from './audit-trail/audit-trail.controller';
import { VerifyPrivacyAuditTrail } from './audit-trail/verify-audit-trail.query';
import { AuditChainsController } from './audit-chains/audit-chains.controller';
import { VerifyAuditChains } from './audit-chains/verify-audit-chains.query';
import { AuditChainHeadRepository } from './audit-chains/audit-chain-heads.repository';
import { AuditChainHeads1763900006650 } from './migrations/1763900006650-audit-chain-heads';
import { AuditChainRuns1763900007100 } from './migrations/1763900007100-audit-chain-runs';
import { RightsPageRateLimits1763900007200 } from './migrations/1763900007200-rights-page-rate-limits';
import { AuditChainRunRepository } from './audit-chains/audit-chain-runs.repository';
import { AuditChainsJob } from './audit-chains/audit-chains.job';
import { AuditorCredential } from './audit-chains/auditor-credential';
import { VerifyAuditChainsOnSchedule } from './audit-chains/verify-audit-chains-on-schedule.use-case';

export { PRIVACY_DB, PRIVACY_OPTIONS, type PrivacyModuleOptions } from './privacy.options';

/** Data-subject requests fanned out to every service and tracked to completion (R14). */
@Module({})
export class PrivacyModule implements NestModule, OnApplicationBootstrap, OnApplicationShutdown {
  static register(options: PrivacyModuleOptions): DynamicModule {
    return {
      module: PrivacyModule,
      controllers: [
        DataSubjectRequestsController,
        ListRequestsController,
        RecordsController,
        ProcessorsController,
        IndividualsCountController,
        ImpactAssessmentsController,
        SubjectLookupsController,
        CustomerRequestsController,
        CustomerExportController,
        PrivacyAuditTrailController,
        AuditChainsController,
        ProcessorGrantsController,
      ],
      providers: [
        VerifyPrivacyAuditTrail,
        ...auditAnchorProviders<PrivacyModuleOptions>({
          service: 'privacy',
          options: PRIVACY_OPTIONS,
          db: PRIVACY_DB,
          env: (o) => o.env,
        }),
        VerifyAuditChains,
        AuditChainHeadRepository,
        AuditChainRunRepository,
        AuditorCredential,
        VerifyAuditChainsOnSchedule,
        AuditChainsJob,
        { provide: PRIVACY_OPTIONS, useValue: options },
        {
          provide: PRIVACY_DB,
          useFactory: async () =>
            openServiceDataSource({
              database: await provisionServiceDatabase(options.adminDatabaseUrl, 'privacy'),
              entities: [],
              migrations: [
                MessagingTables1763900000000,
                AuditTrail1763900000001,
                AuditAnchors1763900007000,
                PrivacyInitial1763900003000,
                CustomerRequests1763900004000,
                WithdrawAllRequests1763900004100,
                CorrectionRequests1763900006000,
                ProcessorContracts1763900006100,
                IndividualsCounts1763900006200,
                ImpactAssessments1763900006300,
                SubjectLookups1763900006400,
                ChallengeCorrections1763900006500,
                AuditChainHeads1763900006650,
                AuditChainRuns1763900007100,
                RightsPageRateLimits1763900007200,
                ProcessorGrants1763900007300,
              ],
            }),
        },
        DataSubjectRequestRepository,
        RequestListRepository,
        ListRequests,
        DataSubjectAnswersConsumer,
        LogRequest,
        RemindSilentServices,
        RequestStatus,
        RequesterChallengeRepository,
        RequesterAnswersConsumer,
        StartCustomerRequest,
        ConfirmRequesterCode,
        CustomerRequestStatus,
        RightsPageRateLimit,
        ProcessorContractsRepository,
        ProcessorRegisterQuery,
        RecordProcessorContract,
        { provide: ProcessorGrantsRepository, useValue: new ProcessorGrantsRepository() },
        ProcessorGrantsQuery,
        IssueProcessorGrant,
        RevokeProcessorGrant,
        ConfirmProcessorDeletion,
        WatchProcessorDeletions,
        { provide: IndividualsCountRepository, useValue: new IndividualsCountRepository() },
        IndividualsCountQuery,
        StartIndividualsCount,
        IndividualsCountAnswersConsumer,
        { provide: ImpactAssessmentsRepository, useValue: new ImpactAssessmentsRepository() },
        ImpactAssessmentsQuery,
        RecordImpactAssessment,
        DeleteExpiredAssessments,
        AssessmentRetentionJob,
        { provide: SubjectLookupsRepository, useValue: new SubjectLookupsRepository() },
        LookUpSubject,
        SubjectLookupQuery,
        SubjectLookupAnswersConsumer,
        {
          provide: ServiceMessaging,
          inject: [
            PRIVACY_DB,
            DataSubjectAnswersConsumer,
            RequesterAnswersConsumer,
            IndividualsCountAnswersConsumer,
            SubjectLookupAnswersConsumer,
          ],
          useFactory: (
            ds: DataSource,
            answers: DataSubjectAnswersConsumer,
            requester: RequesterAnswersConsumer,
            individuals: IndividualsCountAnswersConsumer,
            lookups: SubjectLookupAnswersConsumer,
          ) =>
            new ServiceMessaging(ds, options.transport, {
              schema: 'privacy',
              produces: [
                TOPICS.privacyAccessRequested,
                TOPICS.privacyErasureRequested,
                TOPICS.privacyRequesterChallenged,
                TOPICS.privacyWithdrawAllRequested,
                TOPICS.privacyCorrectionRequested,
                TOPICS.privacyIndividualsCountRequested,
                TOPICS.privacySubjectLookupRequested,
                TOPICS.privacyRequesterSealKeyWanted,
                TOPICS.privacyProcessorGrantIssued,
                TOPICS.privacyProcessorGrantEnded,
              ],
              consumers: [
                { name: 'answers', topics: [TOPICS.privacyRequestAnswered], handlers: answers.handlers },
                {
                  name: 'requester',
                  topics: [TOPICS.consentRequesterSealKey, TOPICS.consentRequesterResolved],
                  handlers: requester.handlers,
                },
                {
                  name: 'individuals',
                  topics: [TOPICS.privacyIndividualsCounted],
                  handlers: individuals.handlers,
                },
                {
                  name: 'subject-lookups',
                  topics: [TOPICS.consentSubjectLookupAnswered],
                  handlers: lookups.handlers,
                },
              ],
            }),
        },
      ],
    };
  }

  private readonly reminders: RecurringJob;
  private readonly individualsCount: RecurringJob;
  private readonly processorDeletions: RecurringJob;

  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    private readonly messaging: ServiceMessaging,
    private readonly requester: RequesterAnswersConsumer,
    remind: RemindSilentServices,
    countIndividuals: StartIndividualsCount,
    watchDeletions: WatchProcessorDeletions,
  ) {
    this.reminders = new RecurringJob(
      () => remind.execute(),
      (err) => options.announce?.(`privacy: deadline watch failed: ${(err as Error).message}`),
    );
    this.individualsCount = new RecurringJob(
      async () => void (await countIndividuals.execute('privacy-schedule')),
      (err) => options.announce?.(`privacy: individuals count failed: ${(err as Error).message}`),
    );
    // R15: grants whose agency never confirmed deletion, checked with the request deadlines.
    this.processorDeletions = new RecurringJob(
      async () => void (await watchDeletions.execute()),
      (err) => options.announce?.(`privacy: processor deletion watch failed: ${(err as Error).message}`),
    );
  }

  /** Per-address limit on the public request pages (/rights), shared across processes (issue 14). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RightsPageRateLimit).forRoutes(CustomerRequestsController, CustomerExportController);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.messaging.start();
    await this.ds.transaction((tx) => this.requester.askForKeyIfMissing(tx));
    this.reminders.start(this.options.reminderIntervalMs ?? 0);
    this.individualsCount.start(this.options.individualsCountIntervalMs ?? 0);
    this.processorDeletions.start(this.options.reminderIntervalMs ?? 0);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reminders.stop();
    await this.individualsCount.stop();
    await this.processorDeletions.stop();
    await this.messaging.stop();
    await this.ds.destroy();
  }
}
