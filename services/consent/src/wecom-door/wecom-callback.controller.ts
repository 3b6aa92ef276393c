import { Controller, Get, Header, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiEveryRouteAnswers, Public } from '@siyu/auth';
import type { Request } from 'express';
import { RecordWecomEvent } from './record-wecom-event.use-case';
import { parseWecomEvent, WecomCallbackVerifier, type WecomCallbackQuery } from './wecom-callback';
import { WecomDoorError, WecomDoorErrorCode } from './wecom-door.errors';
import { WecomWelcomeClient } from './wecom-welcome.client';

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The receive-event URL of the brand's WeCom customer-contact app: one endpoint for every
 * external-contact callback, signed and encrypted as WeCom does (WXBizMsgCrypt).
 */
@ApiTags('webhooks')
@ApiProduces('text/plain')
@ApiEveryRouteAnswers({
  description: 'the decrypted echostr on GET (URL check), `success` on POST',
  content: { 'text/plain': { schema: { type: 'string' } } },
})
@ApiErrors({
  400: ['WECOM_BODY_INVALID'],
  401: ['WECOM_SIGNATURE_INVALID'],
  404: ['WECOM_NOT_CONFIGURED'],
  413: ['WECOM_BODY_TOO_LARGE'],
})
@Controller('webhooks/wecom')
export class WecomCallbackController {
  private readonly verifier: WecomCallbackVerifier | null;

  constructor(
    client: WecomWelcomeClient,
    private readonly events: RecordWecomEvent,
  ) {
    this.verifier = client.credentials ? new WecomCallbackVerifier(client.credentials) : null;
  }

  /** WeCom's check when the URL is saved: answer the decrypted echostr. */
  @Get()
  @Public('signed-webhook')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  verify(@Query() q: WecomCallbackQuery & { echostr?: unknown }) {
    return this.configured().verifyUrl({ ...q, echostr: typeof q.echostr === 'string' ? q.echostr : '' });
  }

  @Post()
  @HttpCode(200)
  @Public('signed-webhook')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  async receive(@Query() q: WecomCallbackQuery, @Req() req: Request & { rawBody?: Buffer }) {
    const xml = this.configured().openMessage(q, (await readBody(req)).toString('utf8'));
    await this.events.execute(parseWecomEvent(xml));
    return 'success';
  }

  private configured(): WecomCallbackVerifier {
    if (!this.verifier)
      throw new WecomDoorError(WecomDoorErrorCode.NOT_CONFIGURED, 'WeCom is not configured');
    return this.verifier;
  }
}

/** text/xml has no body parser, so the stream is read here, refusing more than 64 KB. */
async function readBody(req: Request & { rawBody?: Buffer }): Promise<Buffer> {
  const tooLarge = () =>
    new WecomDoorError(WecomDoorErrorCode.BODY_TOO_LARGE, `body over ${MAX_BODY_BYTES} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  if (req.rawBody) {
    if (req.rawBody.length > MAX_BODY_BYTES) throw tooLarge();
    return req.rawBody;
  }
  if (req.readableEnded) return Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd).off('error', reject);
      req.resume();
      reject(tooLarge());
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData).on('end', onEnd).on('error', reject);
  });
}
