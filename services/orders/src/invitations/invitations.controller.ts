import { Controller, Get, Header, Param, ParseUUIDPipe, Post, StreamableFile } from '@nestjs/common';
import { Roles } from '@siyu/auth';
import { IssueInvitation, type Invitation } from './issue-invitation.use-case';

@Controller('api/v1/orders/:orderRef/invitations')
export class InvitationsController {
  constructor(private readonly issueInvitation: IssueInvitation) {}

  /** `{ token, url, qrSvg, wecomState }` */
  @Post()
  @Roles('ops', 'admin')
  issue(@Param('orderRef', new ParseUUIDPipe()) orderRef: string): Promise<Invitation> {
    return this.issueInvitation.execute(orderRef);
  }

  @Get('qr.png')
  @Roles('ops', 'admin')
  @Header('Content-Type', 'image/png')
  @Header('Cache-Control', 'no-store')
  async png(@Param('orderRef', new ParseUUIDPipe()) orderRef: string): Promise<StreamableFile> {
    return new StreamableFile(await this.issueInvitation.png(orderRef));
  }

  @Get('qr.svg')
  @Roles('ops', 'admin')
  @Header('Content-Type', 'image/svg+xml; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  svg(@Param('orderRef', new ParseUUIDPipe()) orderRef: string): Promise<string> {
    return this.issueInvitation.svg(orderRef);
  }
}
