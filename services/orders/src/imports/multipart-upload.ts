import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { ImportsError, ImportsErrorCode } from './imports.errors';
import { parseMappingFile, type ExportMappingFile } from './mapping-file';

export interface ExportUpload {
  /** The export's bytes, streamed as they arrive. */
  source: AsyncIterable<Buffer>;
  mappingFile?: ExportMappingFile;
}

const MAX_MAPPING_BYTES = 64 * 1024;
// Part headers, boundaries and a mapping field: what a multipart body holds besides the file.
const ENVELOPE_ALLOWANCE = MAX_MAPPING_BYTES + 64 * 1024;

const fault = (code: ImportsErrorCode, message: string) => new ImportsError(code, message);
const tooLarge = (maxFileBytes: number) =>
  fault(ImportsErrorCode.UPLOAD_TOO_LARGE, `the file part is larger than ${maxFileBytes} bytes`);
const notMultipart = (why: string) =>
  fault(ImportsErrorCode.MULTIPART_INVALID, `the body is not well-formed multipart/form-data: ${why}`);

/**
 * A `multipart/form-data` upload read with busboy: an optional `mapping` field (JSON, before the
 * file) and one file part `file`, whose bytes stream into the import as they arrive — nothing is
 * buffered whole and nothing goes to disk. Resolves when the file part begins; refuses (rejects)
 * before that. A fault found later — the file over the limit, a second file, a part after the
 * file, a body cut off — ends the source with that ImportsError, like a truncated export: the
 * import stops there and says how far it got. Messages never quote the body.
 */
export function multipartUploadOf(req: IncomingMessage, maxFileBytes: number): Promise<ExportUpload> {
  const length = Number(req.headers['content-length']);
  if (Number.isFinite(length) && length > maxFileBytes + ENVELOPE_ALLOWANCE)
    return Promise.reject(tooLarge(maxFileBytes));
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { fileSize: maxFileBytes, fieldSize: MAX_MAPPING_BYTES, fields: 8, parts: 16 },
    });
  } catch (err) {
    return Promise.reject(notMultipart((err as Error).message));
  }

  return new Promise<ExportUpload>((resolve, reject) => {
    let mappingFile: ExportMappingFile | undefined;
    let file: busboy.FileStream | null = null;
    let started = false;
    let failure: ImportsError | null = null;
    let settleBody: (err: ImportsError | null) => void = () => undefined;
    // Settles when busboy has read the whole body: the file's end is only the end once nothing bad follows.
    const bodyRead = new Promise<void>((done, broken) => {
      settleBody = (err) => (err ? broken(err) : done());
    });
    bodyRead.catch(() => undefined);

    const fail = (err: ImportsError) => {
      if (failure) return;
      failure = err;
      settleBody(err);
      // Once the file streams, the reader sees the fault: busboy errors the file stream itself,
      // and later faults (a second file, a part after it) reject `bodyRead`, which it awaits.
      if (!started) reject(err);
    };

    parser.on('field', (name, value, info) => {
      if (name === 'file')
        return fail(
          fault(
            ImportsErrorCode.MULTIPART_NO_FILE,
            '"file" was sent as a text field: send the export as a file part (curl -F file=@orders.csv)',
          ),
        );
      if (name !== 'mapping')
        return fail(
          fault(
            ImportsErrorCode.MULTIPART_UNKNOWN_FIELD,
            `unknown field "${name}" (expected file and mapping)`,
          ),
        );
      if (file)
        return fail(
          fault(ImportsErrorCode.MULTIPART_UNKNOWN_FIELD, 'the mapping field must come before the file part'),
        );
      if (info.valueTruncated)
        return fail(
          fault(ImportsErrorCode.BAD_MAPPING_FILE, `mapping file: larger than ${MAX_MAPPING_BYTES} bytes`),
        );
      try {
        mappingFile = parseMappingFile(JSON.parse(value));
      } catch (err) {
        fail(
          err instanceof ImportsError
            ? err
            : fault(ImportsErrorCode.BAD_MAPPING_FILE, 'mapping file: not valid JSON'),
        );
      }
    });

    parser.on('file', (name, stream) => {
      if (failure || file) {
        stream.resume();
        if (file)
          fail(fault(ImportsErrorCode.MULTIPART_TWO_FILES, 'send one file part per upload (named file)'));
        return;
      }
      if (name !== 'file') {
        stream.resume();
        return fail(
          fault(
            ImportsErrorCode.MULTIPART_UNKNOWN_FIELD,
            `unknown file part "${name}": send the export as the part named file`,
          ),
        );
      }
      file = stream;
      started = true;
      resolve({ source: readFile(stream), mappingFile });
    });

    for (const limit of ['partsLimit', 'fieldsLimit'] as const)
      parser.on(limit, () =>
        fail(fault(ImportsErrorCode.MULTIPART_UNKNOWN_FIELD, 'too many parts: send file and mapping only')),
      );
    parser.on('error', (err) => fail(notMultipart(err.message)));
    parser.on('close', () => {
      if (!file)
        fail(
          fault(ImportsErrorCode.MULTIPART_NO_FILE, 'no file part: send the export as the part named file'),
        );
      settleBody(null);
    });
    req.pipe(parser);

    async function* readFile(stream: busboy.FileStream): AsyncGenerator<Buffer> {
      try {
        try {
          // Not destroyed when the import stops early: the rest is drained below instead, so
          // busboy (and the request) run to the end and the answer reaches the client.
          for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk as Buffer;
        } catch (err) {
          throw failure ?? notMultipart((err as Error).message);
        }
        if (failure) throw failure;
        if (stream.truncated) throw tooLarge(maxFileBytes);
        await bodyRead;
      } finally {
        // Stopped early (a refused file) or done: let the rest of the body flow past.
        stream.resume();
      }
    }
  });
}
