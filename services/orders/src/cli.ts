import 'reflect-metadata';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  readFileSync,
  statSync,
  type WriteStream,
} from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { PLATFORMS, type Platform } from '@siyu/contracts';
import { SingleBar } from 'cli-progress';
import type { INestApplicationContext } from '@nestjs/common';
import { loadBlindIndex, loadCryptoKeys } from '@siyu/crypto';
import { ImportOrders } from './imports/import-orders.use-case';
import { ImportsModule } from './imports/imports.module';
import type { ImportSummary } from './imports/import-summary';
import { ImportsError } from './imports/imports.errors';
import { parseMappingFile, type ExportMappingFile } from './imports/mapping-file';
import { RejectsCsv } from './imports/rejects-csv';
import { cliTarget, openOrdersCliContext } from './orders-cli.context';

const USAGE = `usage: orders import <export.csv|.xlsx> --platform <${PLATFORMS.join('|')}> --shop <shopId>
                     [--rejects <rejects.csv>] [--mapping <mapping.json>]

Streams a platform order export (CSV in UTF-8, UTF-8 with BOM or GBK/GB18030, or XLSX: detected from
the bytes) into the orders schema, shows progress on stderr and prints the import summary (JSON).
--mapping maps the headers of an export variant the platform layout does not know (docs/ops/importing.md).
Database: DATABASE_URL, else the postgres-url file that \`npm start\` keeps in SIYU_DATA_DIR (default ./.data).
Secrets: FULFILMENT_KEK and FULFILMENT_BLIND_INDEX_KEY from the environment; with the npm start
database, missing ones come from its secrets.json (they must be the keys the service uses).
Events stay in the orders outbox; the running orders service publishes them.
--rejects writes rejected rows with their original cells: that file holds personal data.`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** A terminal for the progress bar (process.stderr); without one, progress is plain lines. */
  progressStream?: NodeJS.WritableStream;
}

/** Exit codes: 0 imported (possibly with rejected rows), 1 refused or failed, 2 usage error. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  let args: ReturnType<typeof parseCommand>;
  try {
    args = parseCommand(argv);
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  let mappingFile: ExportMappingFile | undefined;
  try {
    mappingFile = args.mapping ? parseMappingFile(JSON.parse(readFileSync(args.mapping, 'utf8'))) : undefined;
  } catch (err) {
    const reason = err instanceof SyntaxError ? `not valid JSON (${err.message})` : (err as Error).message;
    io.err(`--mapping ${args.mapping}: ${reason}\n`);
    return 2;
  }
  const target = cliTarget(env, ['FULFILMENT_KEK', 'FULFILMENT_BLIND_INDEX_KEY']);
  if ('problem' in target) {
    io.err(`${target.problem}\n`);
    return 1;
  }
  const { adminUrl, secrets } = target;
  let context: INestApplicationContext;
  try {
    // Missing or malformed keys are said before the database is touched.
    loadCryptoKeys(secrets, 'FULFILMENT');
    loadBlindIndex(secrets, 'FULFILMENT');
    // The service's own imports module (and the order book and vault it imports): one object graph.
    context = await openOrdersCliContext(ImportsModule, {
      adminDatabaseUrl: adminUrl,
      env: secrets,
      brandId: secrets.BRAND_ID ?? 'demo',
      publicBaseUrl: secrets.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3000',
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n`);
    return 1;
  }

  // Opened at the first rejected row: a refused file or a clean import leaves no empty file behind.
  let rejectsFile: WriteStream | null = null;
  const rejects = args.rejects
    ? new RejectsCsv((text) => {
        rejectsFile ??= createWriteStream(args.rejects!, { mode: 0o600 });
        rejectsFile.write(text);
      })
    : null;
  try {
    const importOrders = context.get(ImportOrders);
    const started = Date.now();
    const progress = new ImportProgress(statSync(args.file).size, io);
    let bytesRead = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of createReadStream(args.file, { highWaterMark: 256 * 1024 })) {
        bytesRead += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    const ticker = setInterval(() => progress.update(bytesRead), 250);
    let summary: ImportSummary;
    try {
      summary = await importOrders.execute({
        platform: args.platform,
        shopId: args.shop,
        requestedBy: `cli:${userInfo().username}`,
        source: counted(),
        mappingFile,
        onProgress: (s) => progress.update(bytesRead, s.rows),
        onRejectedRow: (r) => rejects?.add(r),
      });
    } finally {
      clearInterval(ticker);
      progress.stop();
    }
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    io.err(
      `${summary.rows.toLocaleString('en')} rows · ${Math.round(summary.rows / seconds).toLocaleString('en')} rows/s · ${seconds.toFixed(1)} s\n`,
    );
    io.out(`${JSON.stringify(summary, null, 2)}\n`);
    for (const w of summary.warnings)
      io.err(
        `warning: ${w.rowCount} order(s) ${w.message} (rows ${w.rows.slice(0, 20).join(', ')}${w.rowCount > 20 ? ', …' : ''})\n`,
      );
    if (args.rejects)
      io.err(
        summary.rejectedRows > 0
          ? `${summary.rejectedRows} rejected row(s) written to ${args.rejects}\n`
          : `no rejected rows: ${args.rejects} not written\n`,
      );
    return 0;
  } catch (err) {
    if (err instanceof ImportsError) {
      io.err(`import refused (${err.code}): ${err.message}\n`);
    } else {
      io.err(`import failed: ${(err as Error)?.message ?? String(err)}\n`);
    }
    return 1;
  } finally {
    const written = rejectsFile as WriteStream | null;
    if (written) await new Promise((resolve) => written.end(resolve));
    await context.close();
  }
}

interface ImportArgs {
  file: string;
  platform: Platform;
  shop: string;
  rejects?: string;
  mapping?: string;
}

function parseCommand(argv: string[]): ImportArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      platform: { type: 'string' },
      shop: { type: 'string' },
      rejects: { type: 'string' },
      mapping: { type: 'string' },
    },
  });
  const [command, file, ...extra] = positionals;
  if (command !== 'import' || !file || extra.length > 0) throw new Error('expected: import <export file>');
  if (!values.platform || !(PLATFORMS as readonly string[]).includes(values.platform)) {
    throw new Error(`--platform must be one of ${PLATFORMS.join(', ')}`);
  }
  if (!values.shop || !/^[A-Za-z0-9_-]{1,64}$/.test(values.shop))
    throw new Error('--shop must be 1-64 letters, digits, _ or -');
  if (!existsSync(file)) throw new Error(`no such file: ${file}`);
  if (values.mapping && !existsSync(values.mapping))
    throw new Error(`no such mapping file: ${values.mapping}`);
  return {
    file,
    platform: values.platform as Platform,
    shop: values.shop,
    rejects: values.rejects,
    mapping: values.mapping,
  };
}

/**
 * Progress on stderr (issue §8): a bar over the file's bytes (so the ETA holds for any row size)
 * with rows and rows/s; plain lines when stderr is not a terminal (the summary stays on stdout).
 */
class ImportProgress {
  private readonly bar: SingleBar | null;
  private readonly started = Date.now();
  private rows = 0;
  private lastLine = 0;

  constructor(
    private readonly fileBytes: number,
    private readonly io: CliIo,
  ) {
    this.bar = io.progressStream
      ? new SingleBar({
          stream: io.progressStream,
          format: '{bar} {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
          etaBuffer: 40,
          hideCursor: true,
          clearOnComplete: false,
          noTTYOutput: true,
        })
      : null;
    this.bar?.start(Math.max(fileBytes, 1), 0, { rows: '0', rate: '0' });
  }

  update(bytesRead: number, rows?: number): void {
    if (rows !== undefined) this.rows = rows;
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const rate = Math.round(this.rows / seconds).toLocaleString('en');
    if (this.bar) {
      this.bar.update(Math.min(bytesRead, this.fileBytes), { rows: this.rows.toLocaleString('en'), rate });
    } else if (rows !== undefined && Date.now() - this.lastLine >= 1000) {
      this.lastLine = Date.now();
      const percent = this.fileBytes > 0 ? Math.floor((100 * bytesRead) / this.fileBytes) : 100;
      this.io.err(`${this.rows.toLocaleString('en')} rows · ${rate} rows/s · ${percent}% of the file\n`);
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.env, {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    progressStream: process.stderr.isTTY ? process.stderr : undefined,
  }).then((code) => process.exit(code));
}
