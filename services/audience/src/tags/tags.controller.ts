import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles, type Actor } from '@siyu/auth';
import { ReplaceCatalogue } from '../catalogue/replace-catalogue.use-case';
import { TrainPrediction } from '../predictions/train-prediction.use-case';
import { DefineTag } from './define-tag.use-case';
import { ListTagDefinitions } from './list-tag-definitions.query';
import { AuditedMemberReads } from '../member-reads/audited-member-reads';
import { MemberReadQuery } from '../member-reads/member-read.request';

class TagDefinitionResponse {
  @ApiProperty() key: string;
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['fact', 'model', 'prediction'] }) layer: string;
  @ApiProperty() category: string;
  @ApiProperty() personalised: boolean;
  @ApiProperty() sensitive: boolean;
  @ApiProperty() spendingPower: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true }) labels: unknown;
  // The definition itself: a model tag's rule names the tags it is derived from (its lineage).
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) fact?: unknown;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) model?: unknown;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) prediction?: unknown;
}

class TrainedModelResponse {
  @ApiProperty() tagKey: string;
  @ApiProperty() tagVersion: number;
  @ApiProperty() modelVersion: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) trainingWindow: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true }) metrics: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true }) coefficients: unknown;
}

class LineageResponse {
  @ApiProperty() subjectRef: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) tag: unknown;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string' }], nullable: true }) value: unknown;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'consent ledger entries the tag rests on',
  })
  consents: unknown[];
}

class CatalogueEntry {
  @ApiProperty({ example: 'SPORT-' }) skuPrefix: string;
  @ApiProperty({ example: '运动' }) category: string;
  @ApiProperty({ example: false }) sensitive: boolean;
}

@ApiTags('audience: tags')
@ApiBearerAuth()
@Controller('api/v1/audience')
@Roles('marketer', 'admin')
export class TagsController {
  constructor(
    private readonly listDefinitions: ListTagDefinitions,
    private readonly defineTag: DefineTag,
    private readonly train: TrainPrediction,
    private readonly reads: AuditedMemberReads,
    private readonly replaceCatalogue: ReplaceCatalogue,
  ) {}

  /** A tag definition (docs/marketers/audience.md); the same key again makes a new version. */
  @Post('tags')
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiCreatedResponse({ type: TagDefinitionResponse })
  @ApiBadRequestResponse({ description: 'TAG_DEFINITION_INVALID: details.problems lists each path and why' })
  define(@Body() body: Record<string, unknown>, @CurrentActor() actor: Actor) {
    return this.defineTag.execute(body, actor.id);
  }

  @Get('tags')
  @ApiOkResponse({ type: [TagDefinitionResponse] })
  list() {
    return this.listDefinitions.execute();
  }

  @Post('tags/:key/train')
  @HttpCode(201)
  @ApiCreatedResponse({ type: TrainedModelResponse })
  @ApiNotFoundResponse({ description: 'TAG_NOT_FOUND' })
  @ApiConflictResponse({ description: 'TAG_NOT_A_PREDICTION or TAG_NOT_ENOUGH_HISTORY' })
  trainModel(@Param('key') key: string) {
    return this.train.execute(key);
  }

  @Get('members/:subjectRef/tags/:key/lineage')
  @ApiOkResponse({ type: LineageResponse })
  @ApiNotFoundResponse({ description: 'MEMBER_TAG_NOT_FOUND' })
  @ApiBadRequestResponse({ description: 'purpose is not one of the member-read purposes' })
  lineageOf(
    @Param('subjectRef', ParseUUIDPipe) subjectRef: string,
    @Param('key') key: string,
    @Query() query: MemberReadQuery,
    @CurrentActor() actor: Actor,
  ) {
    // R16: audited with the actor and the purpose (default: reviewing the tag).
    return this.reads.lineageOf(actor.id, subjectRef, key, query.purpose ?? 'tag_review');
  }

  @Put('catalogue')
  @ApiBody({
    schema: { type: 'object', properties: { entries: { type: 'array', items: { type: 'object' } } } },
  })
  @ApiOkResponse({ type: [CatalogueEntry] })
  @ApiBadRequestResponse({ description: 'CATALOGUE_INVALID: names the entry and field' })
  catalogue(@Body() body: Record<string, unknown>) {
    return this.replaceCatalogue.execute(body);
  }
}
