import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Public } from '@siyu/auth';
import { renderFrontDoor, type FrontDoorLinks } from './front-door.page';

export const FRONT_DOOR_LINKS = 'FRONT_DOOR_LINKS';

/** `/` in standalone: the printed URL leads somewhere instead of a 404. */
@ApiTags('front door')
@Controller()
export class FrontDoorController {
  private readonly page: string;

  constructor(@Inject(FRONT_DOOR_LINKS) links: FrontDoorLinks) {
    this.page = renderFrontDoor(links);
  }

  @Get()
  @Public('front-door')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @ApiProduces('text/html')
  @ApiOkResponse({
    type: String,
    description: 'an HTML page linking health, metrics, staff entry points and customer pages',
  })
  @ApiErrors({ 500: ['INTERNAL'] })
  frontDoor(): string {
    return this.page;
  }
}
