import { ApiProperty } from '@nestjs/swagger';

export class PreferenceLinkResponse {
  @ApiProperty({
    example: 'https://brand.example/p/…',
    description: 'Hand it to the customer; staff cannot act on it',
  })
  url: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt: string;
}
