import type { IncomingMessage } from 'node:http';
import { ImportsError, ImportsErrorCode } from './imports.errors';

// Browsers label .csv files inconsistently (Windows: application/vnd.ms-excel). The label only
// gates the door: what the file is and its encoding are detected from the bytes.
const EXPORT_MEDIA_TYPES = new Set([
  'text/csv',
  'application/csv',
  'text/plain',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
]);

/**
 * The raw request body as a byte stream, checked at the edge. The body is never buffered whole:
 * it is read chunk by chunk. Leaving early does not destroy the request, so the refusal still
 * reaches the client; call `discardRest` once done.
 */
export function exportUploadOf(req: IncomingMessage): AsyncIterable<Buffer> {
  const [mediaType] = (req.headers['content-type'] ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (!EXPORT_MEDIA_TYPES.has(mediaType)) {
    throw new ImportsError(
      ImportsErrorCode.UNSUPPORTED_MEDIA_TYPE,
      'send the export as the raw request body with Content-Type: text/csv (or the .xlsx type)',
    );
  }
  return req.iterator({ destroyOnReturn: false });
}

export function discardRest(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}
