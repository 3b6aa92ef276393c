import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB } from '../identity.options';
import { StaffAccountRepository } from './staff-account.repository';
import { toStaffAccountResponse, type StaffAccountResponse } from './staff-account.response';

/** Every staff account, as the admin sees it (no password hashes). */
@Injectable()
export class ListStaffAccounts {
  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    private readonly accounts: StaffAccountRepository,
  ) {}

  async execute(): Promise<StaffAccountResponse[]> {
    return (await this.accounts.listAll(this.ds.manager)).map(toStaffAccountResponse);
  }
}
