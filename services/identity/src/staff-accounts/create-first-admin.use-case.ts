import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB } from '../identity.options';
import { generatePassword, hashPassword } from './passwords';
import { StaffAccountRepository } from './staff-account.repository';

export const FIRST_ADMIN_USERNAME = 'admin';

@Injectable()
export class CreateFirstAdmin {
  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    private readonly accounts: StaffAccountRepository,
  ) {}

  /**
   * Creates an admin with a random one-time password when no enabled admin exists (first start,
   * or every admin disabled); null otherwise. There is never a fixed default password.
   */
  async execute(): Promise<{ username: string; password: string } | null> {
    return this.ds.transaction(async (tx) => {
      // Two processes starting at once on an empty database: the second waits, then sees the admin.
      await this.accounts.lockFirstAdminCreation(tx);
      if (await this.accounts.hasEnabledAdmin(tx)) return null;
      const username = (await this.accounts.isUsernameTaken(tx, FIRST_ADMIN_USERNAME))
        ? `${FIRST_ADMIN_USERNAME}-${randomBytes(3).toString('hex')}`
        : FIRST_ADMIN_USERNAME;
      const password = generatePassword();
      const created = await this.accounts.insertUnlessUsernameTaken(tx, {
        username,
        passwordHash: await hashPassword(password),
        role: 'admin',
        createdBy: 'first-start',
      });
      // Never announce a password that did not make it into the database.
      return created ? { username, password } : null;
    });
  }
}
