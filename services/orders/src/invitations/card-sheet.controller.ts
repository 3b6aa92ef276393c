import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@siyu/auth';
import { CardSheetQuery } from './card-sheet.request';
import { PrintCardSheet } from './print-card-sheet.query';

@ApiTags('orders: parcel cards')
@Controller('api/v1/orders/invitations')
export class CardSheetController {
  constructor(private readonly printCardSheet: PrintCardSheet) {}

  /** ops: `?shippedOn=YYYY-MM-DD&shop=…[&perPage=8]` → an A4 HTML print view of parcel cards. */
  @Get('sheet')
  @ApiQuery({ name: 'shippedOn', example: '2026-12-06', description: 'YYYY-MM-DD' })
  @ApiQuery({ name: 'shop', example: 'shop-1' })
  @ApiQuery({ name: 'perPage', type: Number, required: false, example: 8 })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'An A4 print view of parcel cards (HTML)', schema: { type: 'string' } })
  @ApiErrors({ 404: ['NO_ORDERS_SHIPPED'] })
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
