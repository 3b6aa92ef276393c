import { IsUUID } from 'class-validator';

export class ApiKeyIdParams {
  @IsUUID()
  id: string;
}
