import { ApiProperty } from '@nestjs/swagger';
import type { DataSubjectRequest, ServiceReceipt } from './data-subject-request.repository';

export class HeldDataLineResponse {
  @ApiProperty() category: string;
  @ApiProperty() records: number;
  @ApiProperty({
    enum: ['held', 'deleted', 'kept_as_proof', 'kept_under_legal_hold', 'withdrawn', 'corrected'],
  })
  status: string;
  @ApiProperty({ required: false, nullable: true }) keptUntil?: string;
  @ApiProperty() explanation: string;
}

export class CorrectionResponse {
  @ApiProperty({ enum: ['time_zone'] }) field: string;
  @ApiProperty() value: string;
}

export class ServiceReceiptResponse {
  @ApiProperty() service: string;
  @ApiProperty({ enum: ['waiting', 'answered', 'overdue'] }) state: 'waiting' | 'answered' | 'overdue';
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) answeredAt: string | null;
  @ApiProperty({ type: [HeldDataLineResponse] }) lines: HeldDataLineResponse[];
}

export class DataSubjectRequestResponse {
  @ApiProperty() id: string;
  @ApiProperty() subjectRef: string;
  @ApiProperty({ enum: ['access', 'erasure', 'withdraw_all', 'correct'] }) kind: string;
  @ApiProperty({ type: CorrectionResponse, nullable: true }) correction: CorrectionResponse | null;
  @ApiProperty({ enum: ['open', 'completed'] }) status: 'open' | 'completed';
  @ApiProperty() receivedAt: string;
  @ApiProperty() dueAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
  @ApiProperty({ type: [ServiceReceiptResponse] }) receipts: ServiceReceiptResponse[];
}

/** The machine-readable copy (R14 access/portability): every service's answer, for one subject only. */
export class AccessExportResponse {
  @ApiProperty() requestId: string;
  @ApiProperty() subjectRef: string;
  @ApiProperty() assembledAt: string;
  @ApiProperty({ type: 'object', additionalProperties: true })
  services: Record<string, HeldDataLineResponse[]>;
}

export function toRequestResponse(
  r: DataSubjectRequest,
  receipts: ServiceReceipt[],
  now: Date,
): DataSubjectRequestResponse {
  const overdue = now.getTime() > Date.parse(r.dueAt);
  return {
    id: r.id,
    subjectRef: r.subjectRef,
    kind: r.kind,
    correction: r.correction,
    status: r.completedAt ? 'completed' : 'open',
    receivedAt: r.receivedAt,
    dueAt: r.dueAt,
    completedAt: r.completedAt,
    receipts: receipts.map((s) => ({
      service: s.service,
      state: s.answeredAt ? 'answered' : overdue ? 'overdue' : 'waiting',
      answeredAt: s.answeredAt,
      lines: s.lines ?? [],
    })),
  };
}
