import { Module } from '@nestjs/common';
import { loadTokenSigner, TokenSigner } from '@siyu/crypto';
import { OrderBookModule } from '../order-book/order-book.module';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';
import { CardSheetController } from './card-sheet.controller';
import { InvitationRepository } from './invitation.repository';
import { InvitationsController } from './invitations.controller';
import { IssueInvitation } from './issue-invitation.use-case';
import { PrintCardSheet } from './print-card-sheet.query';
import { ParcelCardLinks } from '../short-links/parcel-card-links';
import { ParcelCardShortLinksController } from '../short-links/parcel-card-short-links.controller';

/**
 * Parcel-card QR invitations (door 2 starts here): signed with INVITE_TOKEN_KEYS, no PII in the token;
 * the card's QR carries a short `/c/<code>` link resolved here (ADR 0008).
 */
@Module({
  imports: [OrderBookModule],
  controllers: [InvitationsController, CardSheetController, ParcelCardShortLinksController],
  providers: [
    {
      provide: TokenSigner,
      inject: [ORDERS_OPTIONS],
      useFactory: (o: Pick<OrdersModuleOptions, 'env'>) => loadTokenSigner(o.env, 'INVITE'),
    },
    InvitationRepository,
    ParcelCardLinks,
    IssueInvitation,
    PrintCardSheet,
  ],
  exports: [PrintCardSheet],
})
export class InvitationsModule {}
