import { DomainError } from '@siyu/http';

export enum LedgerAnchorErrorCode {
  RECEIPT_FORGED = 'LEDGER_RECEIPT_FORGED',
  RECEIPT_OTHER_BRAND = 'LEDGER_RECEIPT_OTHER_BRAND',
  LEDGER_EMPTY = 'LEDGER_EMPTY',
  NO_ANCHOR = 'LEDGER_NO_ANCHOR',
}

export class LedgerAnchorError extends DomainError<LedgerAnchorErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case LedgerAnchorErrorCode.RECEIPT_FORGED:
      case LedgerAnchorErrorCode.RECEIPT_OTHER_BRAND:
        return 422;
      case LedgerAnchorErrorCode.LEDGER_EMPTY:
        return 409;
      case LedgerAnchorErrorCode.NO_ANCHOR:
        return 404;
    }
  }
}
