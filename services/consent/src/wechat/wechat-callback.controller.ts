import { Controller, Get, Header, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiEveryRouteAnswers } from '@siyu/auth';
import type { Request } from 'express';
import { Public } from '@siyu/auth';
import { ForwardWechatSendResults } from './forward-wechat-send-results.use-case';
import { RecordWechatEvent, wechatOptOut } from './record-wechat-event.use-case';
import { WechatSignature, type WechatSignedQuery } from './wechat-signature';
import { readWechatSendResults } from './wechat-send-results';
import { parseWechatXml } from './wechat-xml';
import { WechatError, WechatErrorCode } from './wechat.errors';

const MAX_BODY_BYTES = 64 * 1024;

/** The official account's server URL (plaintext / compatible mode): verification and pushes. */
@ApiTags('webhooks')
@ApiProduces('text/plain')
@ApiEveryRouteAnswers({
  description: 'echostr on GET (server check), `success` on POST',
  content: { 'text/plain': { schema: { type: 'string' } } },
})
@ApiErrors({
  400: ['WECHAT_BODY_INVALID'],
  401: ['WECHAT_SIGNATURE_INVALID'],
  413: ['WECHAT_BODY_TOO_LARGE'],
})
@Controller('webhooks/wechat')
export class WechatCallbackController {
  constructor(
    private readonly signature: WechatSignature,
    private readonly events: RecordWechatEvent,
    private readonly sendResults: ForwardWechatSendResults,
  ) {}

  /** WeChat's URL check: echo `echostr` back when the signature holds. */
  @Get()
  @Public('signed-webhook')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  verify(@Query() q: WechatSignedQuery & { echostr?: unknown }) {
    this.signature.verify(q);
    return typeof q.echostr === 'string' ? q.echostr : '';
  }

  @Post()
  @HttpCode(200)
  @Public('signed-webhook')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  async receive(@Query() q: WechatSignedQuery, @Req() req: Request & { rawBody?: Buffer }) {
    this.signature.verify(q);
    const xml = (await readBody(req)).toString('utf8');
    const fields = parseWechatXml(xml);
    if (!fields || !fields.FromUserName || !/^\d{1,12}$/.test(fields.CreateTime ?? ''))
      throw new WechatError(
        WechatErrorCode.BODY_INVALID,
        'expected a WeChat <xml> push with FromUserName and CreateTime',
      );
    const optOut = wechatOptOut(fields);
    if (optOut) await this.events.execute(fields.FromUserName, Number(fields.CreateTime), optOut);
    // The result of a subscription message outreach sent: forwarded to outreach, which owns the send.
    if (fields.MsgType === 'event' && fields.Event === 'subscribe_msg_sent_event')
      await this.sendResults.execute(
        fields.FromUserName,
        Number(fields.CreateTime),
        readWechatSendResults(xml),
      );
    // "success" tells WeChat not to retry and to show the follower nothing.
    return 'success';
  }
}

/** text/xml has no body parser, so the stream is read here, refusing more than 64 KB. */
async function readBody(req: Request & { rawBody?: Buffer }): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
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
      // Stop buffering but let the rest drain, so the 413 still reaches the sender.
      req.off('data', onData).off('end', onEnd).off('error', reject);
      req.resume();
      reject(tooLarge());
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData).on('end', onEnd).on('error', reject);
  });
}

function tooLarge(): WechatError {
  return new WechatError(WechatErrorCode.BODY_TOO_LARGE, `body over ${MAX_BODY_BYTES} bytes`);
}
