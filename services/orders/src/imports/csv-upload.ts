import type { IncomingMessage } from 'node:http';
import { ImportsError, ImportsErrorCode } from './imports.errors';
import { multipartUploadOf, type ExportUpload } from './multipart-upload';

export type { ExportUpload } from './multipart-upload';

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
 * The uploaded export as a byte stream, checked at the edge: either the raw request body, or the
 * `file` part of a `multipart/form-data` body (with an optional `mapping` field). The body is
 * never buffered whole: it is read chunk by chunk. Leaving early does not destroy the request, so
 * the refusal still reaches the client; call `discardRest` once done.
 */
export async function exportUploadOf(
  req: IncomingMessage,
  limits: { maxFileBytes: number },
): Promise<ExportUpload> {
  const [mediaType] = (req.headers['content-type'] ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (mediaType === 'multipart/form-data') return multipartUploadOf(req, limits.maxFileBytes);
  if (!EXPORT_MEDIA_TYPES.has(mediaType)) {
    throw new ImportsError(
      ImportsErrorCode.UNSUPPORTED_MEDIA_TYPE,
      'send the export as the raw request body with Content-Type: text/csv (or the .xlsx type), or as the file part of multipart/form-data',
    );
  }
  // The same limit as a multipart file part: at once when Content-Length says so (nothing is
  // written), else when the stream reaches it (like a truncated export: earlier chunks stay).
  const length = Number(req.headers['content-length']);
  if (Number.isFinite(length) && length > limits.maxFileBytes) throw bodyTooLarge(limits.maxFileBytes);
  return { source: upTo(limits.maxFileBytes, req.iterator({ destroyOnReturn: false })) };
}

async function* upTo(maxBytes: number, source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    if (bytes > maxBytes) throw bodyTooLarge(maxBytes);
    yield chunk;
  }
}

const bodyTooLarge = (maxBytes: number) =>
  new ImportsError(
    ImportsErrorCode.UPLOAD_TOO_LARGE,
    `the export is larger than ${maxBytes} bytes (IMPORT_UPLOAD_MAX_BYTES); split it by date range`,
  );

export function discardRest(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}
