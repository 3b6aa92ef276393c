import type { IncomingMessage } from 'node:http';
import { ImportsError, ImportsErrorCode } from './imports.errors';

// Browsers label .csv files inconsistently (Windows: application/vnd.ms-excel).
const CSV_MEDIA_TYPES = new Set([
  'text/csv',
  'application/csv',
  'text/plain',
  'application/vnd.ms-excel',
  'application/octet-stream',
]);

/**
 * The raw request body as a byte stream, checked at the edge. The body is never buffered whole:
 * csv-parse reads it chunk by chunk. Leaving early does not destroy the request, so the refusal
 * still reaches the client; call `discardRest` once done.
 */
export function csvUploadOf(req: IncomingMessage): AsyncIterable<Buffer> {
  const [mediaType, ...params] = (req.headers['content-type'] ?? '')
    .split(';')
    .map((p) => p.trim().toLowerCase());
  if (!CSV_MEDIA_TYPES.has(mediaType)) {
    throw new ImportsError(
      ImportsErrorCode.UNSUPPORTED_MEDIA_TYPE,
      'send the export as the raw request body with Content-Type: text/csv',
    );
  }
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ImportsError(
      ImportsErrorCode.NOT_UTF8,
      'only UTF-8 exports can be imported (GBK exports are not supported yet)',
    );
  }
  return req.iterator({ destroyOnReturn: false });
}

export function discardRest(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}
