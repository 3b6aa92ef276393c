import { Controller, Get, Header, Query } from '@nestjs/common';
import { Roles } from '@siyu/auth';
import { CardSheetQuery } from './card-sheet.request';
import { PrintCardSheet } from './print-card-sheet.query';

@Controller('api/v1/orders/invitations')
export class CardSheetController {
  constructor(private readonly printCardSheet: PrintCardSheet) {}

  /** ops: `?shippedOn=YYYY-MM-DD&shop=…[&perPage=8]` → an A4 HTML print view of parcel cards. */
  @Get('sheet')
  @Roles('ops', 'admin')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
  async sheet(@Query() query: CardSheetQuery): Promise<string> {
    const printed = await this.printCardSheet.execute({
      shopId: query.shop,
      shippedOn: query.shippedOn,
      perPage: query.perPage,
    });
    return printed.html;
  }
}
