import { ApiProperty } from '@nestjs/swagger';
import type { ProcessorContract } from './processor-contracts.repository';
import type { ProcessorDeclaration } from './processor-register';

export class ProcessorContractResponse {
  @ApiProperty() contractReference: string;
  @ApiProperty({ format: 'date' }) signedOn: string;
  @ApiProperty() recordedBy: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}

export class ProcessorResponse {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() purpose: string;
  @ApiProperty() processingPurpose: string;
  @ApiProperty({ type: [String] }) dataCategories: string[];
  @ApiProperty() dataSent: string;
  @ApiProperty() location: string;
  @ApiProperty() endpoint: string;
  @ApiProperty({ type: [String] }) usedBy: string[];
  @ApiProperty({ type: [String] }) duties: string[];
  @ApiProperty({ type: ProcessorContractResponse, nullable: true })
  contract: ProcessorContractResponse | null;
  @ApiProperty({ description: 'True while no contract is recorded: the entrustment lacks its legal basis' })
  contractMissing: boolean;
}

export class ProcessorRegisterResponse {
  @ApiProperty({ type: [ProcessorResponse] }) processors: ProcessorResponse[];
}

export function toProcessorResponse(
  p: ProcessorDeclaration,
  duties: readonly string[],
  c: ProcessorContract | undefined,
): ProcessorResponse {
  return {
    id: p.id,
    name: p.name,
    purpose: p.purpose,
    processingPurpose: p.processingPurpose,
    dataCategories: p.dataCategories,
    dataSent: p.dataSent,
    location: c?.location ?? p.location,
    endpoint: p.endpoint,
    usedBy: p.usedBy,
    duties: [...duties],
    contract: c
      ? {
          contractReference: c.contractReference,
          signedOn: c.signedOn,
          recordedBy: c.recordedBy,
          recordedAt: c.recordedAt,
        }
      : null,
    contractMissing: !c,
  };
}
