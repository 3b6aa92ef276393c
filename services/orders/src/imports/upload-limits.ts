import { Inject, Injectable } from '@nestjs/common';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';

// A 1M-row Tmall CSV is ~250 MB; XLSX is smaller (zipped).
const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

/** `IMPORT_UPLOAD_MAX_BYTES`: the largest file part a multipart import accepts (default 512 MiB). */
@Injectable()
export class ImportUploadLimits {
  readonly maxFileBytes: number;

  constructor(@Inject(ORDERS_OPTIONS) options: OrdersModuleOptions) {
    const configured = Number(options.env.IMPORT_UPLOAD_MAX_BYTES ?? DEFAULT_MAX_FILE_BYTES);
    this.maxFileBytes =
      Number.isSafeInteger(configured) && configured > 0 ? configured : DEFAULT_MAX_FILE_BYTES;
  }
}
