import { Inject, Injectable } from '@nestjs/common';
import type { Actor, StaffRole } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB } from '../identity.options';
import { generatePassword, hashPassword } from './passwords';
import { StaffAccountRepository } from './staff-account.repository';
import { toStaffAccountResponse, type CreatedStaffAccountResponse } from './staff-account.response';
import { StaffAccountsError, StaffAccountsErrorCode } from './staff-accounts.errors';

@Injectable()
export class CreateStaffAccount {
  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    private readonly accounts: StaffAccountRepository,
  ) {}

  async execute(
    admin: Actor,
    request: { username: string; role: StaffRole; password?: string | null },
  ): Promise<CreatedStaffAccountResponse> {
    // class-validator's IsOptional lets null through: null means "generate one", like absent (a
    // null reached argon2 and answered 500; found by the fuzzer, issue 14).
    const generatedPassword = request.password == null ? generatePassword() : undefined;
    const passwordHash = await hashPassword(request.password ?? generatedPassword!);
    const account = await this.ds.transaction((tx) =>
      this.accounts.insertUnlessUsernameTaken(tx, {
        username: request.username,
        passwordHash,
        role: request.role,
        createdBy: admin.id,
      }),
    );
    if (!account) {
      throw new StaffAccountsError(
        StaffAccountsErrorCode.USERNAME_TAKEN,
        `username "${request.username}" is taken`,
      );
    }
    return { ...toStaffAccountResponse(account), ...(generatedPassword ? { generatedPassword } : {}) };
  }
}
