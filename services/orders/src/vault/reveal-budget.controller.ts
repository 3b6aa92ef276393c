import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { FULFILMENT_PURPOSES } from '@siyu/privacy';
import { Roles } from '@siyu/auth';
import { RevealBudget } from './reveal-budget';

export class RevealBudgetLineResponse {
  @ApiProperty({ enum: [...FULFILMENT_PURPOSES] }) purpose: string;
  @ApiProperty({ description: 'Reveals allowed per China day for this purpose' }) limit: number;
  @ApiProperty({ description: 'Reveals counted today' }) used: number;
  @ApiProperty({ description: 'Reveals left today' }) remaining: number;
}

export class RevealBudgetResponse {
  @ApiProperty({ type: [RevealBudgetLineResponse] }) purposes: RevealBudgetLineResponse[];
}

@ApiTags('orders: after-sales')
@Controller('api/v1/orders/reveal-budget')
export class RevealBudgetController {
  constructor(private readonly budget: RevealBudget) {}

  /** ops: what is left of today's reveal budget per purpose (counts only), shown before a reveal. */
  @Get()
  @ApiOkResponse({ type: RevealBudgetResponse })
  @Roles('ops')
  async show(): Promise<RevealBudgetResponse> {
    return { purposes: await this.budget.today() };
  }
}
