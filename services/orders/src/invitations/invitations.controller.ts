import { Controller, Get, Header, Param, ParseUUIDPipe, Post, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@siyu/auth';
import { InvitationResponse } from './invitation.response';
import { IssueInvitation, type Invitation } from './issue-invitation.use-case';

@ApiTags('orders: parcel cards')
@ApiParam({ name: 'orderRef', format: 'uuid' })
@Controller('api/v1/orders/:orderRef/invitations')
export class InvitationsController {
  constructor(private readonly issueInvitation: IssueInvitation) {}

  /** `{ token, url, qrSvg, wecomState }` */
  @Post()
  @ApiCreatedResponse({ type: InvitationResponse })
  @ApiErrors({ 404: ['ORDER_NOT_FOUND'] })
  @Roles('ops', 'admin')
  issue(@Param('orderRef', new ParseUUIDPipe()) orderRef: string): Promise<Invitation> {
    return this.issueInvitation.execute(orderRef);
  }

  @Get('qr.png')
  @ApiProduces('image/png')
  @ApiOkResponse({ description: 'The QR code as PNG', schema: { type: 'string', format: 'binary' } })
  @ApiErrors({ 404: ['ORDER_NOT_FOUND'] })
  @Roles('ops', 'admin')
  @Header('Content-Type', 'image/png')
  @Header('Cache-Control', 'no-store')
  async png(@Param('orderRef', new ParseUUIDPipe()) orderRef: string): Promise<StreamableFile> {
    return new StreamableFile(await this.issueInvitation.png(orderRef));
  }

  @Get('qr.svg')
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: 'The QR code as SVG', schema: { type: 'string' } })
  @ApiErrors({ 404: ['ORDER_NOT_FOUND'] })
  @Roles('ops', 'admin')
  @Header('Content-Type', 'image/svg+xml; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  svg(@Param('orderRef', new ParseUUIDPipe()) orderRef: string): Promise<string> {
    return this.issueInvitation.svg(orderRef);
  }
}
