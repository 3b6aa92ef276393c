import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB } from '../identity.options';
import { LoginThrottle } from './login-throttle';
import { hashPassword, passwordMatches } from './passwords';
import { StaffAccountRepository } from './staff-account.repository';
import { StaffAccountsError, StaffAccountsErrorCode } from './staff-accounts.errors';

@Injectable()
export class ChangeOwnPassword {
  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    private readonly accounts: StaffAccountRepository,
    private readonly throttle: LoginThrottle,
  ) {}

  async execute(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    // A stolen token must not become a way to guess the password behind it.
    const throttleKey = `password-change\u0000${actor.id}`;
    if (!this.throttle.admit(throttleKey)) {
      throw new StaffAccountsError(
        StaffAccountsErrorCode.TOO_MANY_ATTEMPTS,
        'too many wrong current passwords; try again later',
        {
          retryAfterSeconds: this.throttle.retryAfterSeconds(throttleKey),
        },
      );
    }
    await this.ds.transaction(async (tx) => {
      const account = await this.accounts.lockCredentialsById(tx, actor.id);
      if (!account || account.disabled) {
        throw new StaffAccountsError(
          StaffAccountsErrorCode.ACCOUNT_UNAVAILABLE,
          'this token names no active staff account',
        );
      }
      if (!(await passwordMatches(account.passwordHash, currentPassword))) {
        throw new StaffAccountsError(
          StaffAccountsErrorCode.CURRENT_PASSWORD_WRONG,
          'current password is wrong',
        );
      }
      if (newPassword === currentPassword) {
        throw new StaffAccountsError(
          StaffAccountsErrorCode.PASSWORD_UNCHANGED,
          'new password must differ from the current one',
        );
      }
      await this.accounts.replacePasswordHash(tx, account.id, await hashPassword(newPassword));
    });
    this.throttle.forget(throttleKey);
  }
}
