import { ApiProperty } from '@nestjs/swagger';
import type { Invitation } from './issue-invitation.use-case';

export class InvitationResponse implements Invitation {
  @ApiProperty({ description: 'Signed invitation token (opaque, stands for the order ref)' })
  token: string;
  @ApiProperty({ example: 'https://brand.example/q/…' })
  url: string;
  @ApiProperty({
    example: 'https://brand.example/c/3kTMd9Qx0bZ7LwP2a',
    description: 'Short link the QR code encodes; redirects to a freshly signed url (ADR 0008)',
  })
  shortUrl: string;
  @ApiProperty({ description: 'The QR code of shortUrl, as SVG markup' })
  qrSvg: string;
  @ApiProperty({ maxLength: 30, description: 'WeCom 联系我 state (opaque, no PII)' })
  wecomState: string;
}
