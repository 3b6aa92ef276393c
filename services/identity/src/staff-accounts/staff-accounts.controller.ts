import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Public, Roles, STAFF_ROLES, type Actor } from '@siyu/auth';
import { ChangeOwnPasswordRequest } from './change-own-password.request';
import { ChangeOwnPassword } from './change-own-password.use-case';
import { CreateStaffAccountRequest } from './create-staff-account.request';
import { CreateStaffAccount } from './create-staff-account.use-case';
import { LogInRequest } from './log-in.request';
import { ListStaffAccounts } from './list-staff-accounts.query';
import { LogIn } from './log-in.use-case';
import { CreatedStaffAccountResponse, LogInResponse, StaffAccountResponse } from './staff-account.response';

@ApiTags('identity: staff accounts')
@Controller('api/v1/identity')
export class StaffAccountsController {
  constructor(
    private readonly logIn: LogIn,
    private readonly staffAccounts: ListStaffAccounts,
    private readonly createStaffAccount: CreateStaffAccount,
    private readonly changeOwnPassword: ChangeOwnPassword,
  ) {}

  @Post('login')
  @ApiOkResponse({ type: LogInResponse, description: 'A bearer token for the staff account' })
  @ApiErrors({ 401: ['INVALID_CREDENTIALS'], 403: ['ACCOUNT_UNAVAILABLE'], 429: ['TOO_MANY_ATTEMPTS'] })
  @Public('login')
  @HttpCode(200)
  login(@Body() body: LogInRequest, @Ip() clientAddress: string) {
    return this.logIn.execute(body.username, body.password, clientAddress);
  }

  @Post('accounts')
  @ApiCreatedResponse({ type: CreatedStaffAccountResponse })
  @ApiErrors({ 409: ['USERNAME_TAKEN'] })
  @Roles('admin')
  create(@Body() body: CreateStaffAccountRequest, @CurrentActor() admin: Actor) {
    return this.createStaffAccount.execute(admin, body);
  }

  @Get('accounts')
  @ApiOkResponse({ type: StaffAccountResponse, isArray: true })
  @Roles('admin')
  list() {
    return this.staffAccounts.execute();
  }

  @Post('accounts/me/password')
  @ApiNoContentResponse({ description: 'Changed; existing tokens stay valid until they expire' })
  @ApiErrors({ 403: ['CURRENT_PASSWORD_WRONG', 'ACCOUNT_UNAVAILABLE'], 422: ['PASSWORD_UNCHANGED'] })
  @Roles(...STAFF_ROLES)
  @HttpCode(204)
  changePassword(@Body() body: ChangeOwnPasswordRequest, @CurrentActor() actor: Actor) {
    return this.changeOwnPassword.execute(actor, body.currentPassword, body.newPassword);
  }
}
