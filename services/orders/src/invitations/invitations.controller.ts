import { Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Roles } from '@siyu/auth';
import { IssueInvitation, type Invitation } from './issue-invitation.use-case';

@Controller('api/v1/orders/:orderRef/invitations')
export class InvitationsController {
  constructor(private readonly issueInvitation: IssueInvitation) {}

  @Post()
  @Roles('ops', 'admin')
  issue(@Param('orderRef', new ParseUUIDPipe()) orderRef: string): Promise<Invitation> {
    return this.issueInvitation.execute(orderRef);
  }
}
