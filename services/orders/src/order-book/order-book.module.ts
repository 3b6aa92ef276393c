import { Module } from '@nestjs/common';
import { OrderRepository } from './order.repository';

/** The orders themselves, as imports and pushes wrote them; read by retention, invitations and the vault. */
@Module({ providers: [OrderRepository], exports: [OrderRepository] })
export class OrderBookModule {}
