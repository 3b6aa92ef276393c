import { Module } from '@nestjs/common';
import { OrderBookModule } from '../order-book/order-book.module';
import { VaultModule } from '../vault/vault.module';
import { GetImportSummary } from './get-import-summary.query';
import { ImportJobRepository } from './import-job.repository';
import { ImportOrders } from './import-orders.use-case';
import { ImportsController } from './imports.controller';
import { ImportWorkerPool } from './import-worker-pool';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';
import { IngestOrderChunk } from './ingest-order-chunk';
import { ListImportJobs } from './list-import-jobs.query';
import { ImportUploadLimits } from './upload-limits';

/** Platform export files (upload or CLI) read, minimised, sealed and written into the order book. */
@Module({
  imports: [OrderBookModule, VaultModule],
  controllers: [ImportsController],
  providers: [
    ImportJobRepository,
    {
      // Worker threads for the per-row work of text exports (IMPORT_WORKER_THREADS, 0 = none); stopped with the app.
      provide: ImportWorkerPool,
      inject: [ORDERS_OPTIONS],
      useFactory: (o: Pick<OrdersModuleOptions, 'env'>) => ImportWorkerPool.fromEnv(o.env),
    },
    IngestOrderChunk,
    ImportOrders,
    ImportUploadLimits,
    GetImportSummary,
    ListImportJobs,
  ],
  exports: [IngestOrderChunk, ImportOrders],
})
export class ImportsModule {}
