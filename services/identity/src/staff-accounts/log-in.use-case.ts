import { Inject, Injectable } from '@nestjs/common';
import { issueAccessToken } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB, IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';
import { LoginThrottle } from './login-throttle';
import { passwordMatches, spendPasswordCheck } from './passwords';
import { StaffAccountRepository } from './staff-account.repository';
import type { LogInResponse } from './staff-account.response';
import { StaffAccountsError, StaffAccountsErrorCode } from './staff-accounts.errors';

export const STAFF_TOKEN_TTL_SECONDS = 8 * 60 * 60;

@Injectable()
export class LogIn {
  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
    private readonly accounts: StaffAccountRepository,
    private readonly throttle: LoginThrottle,
  ) {}

  async execute(username: string, password: string, clientAddress: string): Promise<LogInResponse> {
    const throttleKey = `login\u0000${clientAddress}\u0000${username}`;
    if (!this.throttle.admit(throttleKey)) {
      throw new StaffAccountsError(
        StaffAccountsErrorCode.TOO_MANY_ATTEMPTS,
        'too many failed logins; try again later',
        {
          retryAfterSeconds: this.throttle.retryAfterSeconds(throttleKey),
        },
      );
    }
    const account = await this.accounts.findCredentialsByUsername(this.ds.manager, username);
    // Unknown user, wrong password and disabled account look the same, in body and in time.
    const matches = account
      ? await passwordMatches(account.passwordHash, password)
      : await spendPasswordCheck(password);
    if (!account || !matches || account.disabled) {
      throw new StaffAccountsError(
        StaffAccountsErrorCode.INVALID_CREDENTIALS,
        'username or password is wrong',
      );
    }
    this.throttle.forget(throttleKey);
    const actor = { id: account.id, kind: 'staff' as const, role: account.role };
    const { token, expiresAt } = await issueAccessToken(
      this.options.authKeys,
      actor,
      STAFF_TOKEN_TTL_SECONDS,
    );
    return { token, expiresAt, role: account.role };
  }
}
