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
  return { source: req.iterator({ destroyOnReturn: false }) };
}

export function discardRest(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}
