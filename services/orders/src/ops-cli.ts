import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { loadBlindIndex, loadCryptoKeys, loadTokenSigner } from '@siyu/crypto';
import { InvitationsError } from './invitations/invitations.errors';
import { InvitationsModule } from './invitations/invitations.module';
import { CARDS_PER_PAGE, type CardsPerPage } from './invitations/parcel-card-sheet';
import { PrintCardSheet } from './invitations/print-card-sheet.query';
import { cliTarget, openOrdersCliContext, type CliEnv } from './orders-cli.context';
import { ApplyRetention } from './retention/apply-retention.use-case';
import { RetentionModule } from './retention/retention.module';
import { BackfillLookupIndex } from './vault/backfill-lookup-index.use-case';
import { RotateDataKeys } from './vault/rotate-data-keys.use-case';
import { VaultModule } from './vault/vault.module';

const USAGE = `usage: orders-ops <command>

  rotate-keys [--batch 1000]     re-wrap every data key under the current FULFILMENT_KEK (the first
                                 entry); data is not re-encrypted. Then drop the old KEK.
  backfill-lookup                compute missing after-sales lookup digests (phone, buyer id)
  retention [--dry-run] [--shop <shopId>]
                                 shred receivers past each shop's after-sales window and delete
                                 records past retention (R17); --dry-run changes nothing
  print-cards --date YYYY-MM-DD --shop <shopId> --out cards.html [--per-page 8]
                                 one A4 HTML sheet of parcel-card QR invitations for the orders the
                                 shop shipped that day; open it in a browser and print

Database: DATABASE_URL, else the postgres-url file that \`npm start\` keeps in SIYU_DATA_DIR (default ./.data).
Secrets: FULFILMENT_KEK, FULFILMENT_BLIND_INDEX_KEY, INVITE_TOKEN_KEYS from the environment, else the
npm start secrets.json. Cards: BRAND_ID, PUBLIC_BASE_URL, PARCEL_CARD_HEADLINE, PARCEL_CARD_TEXT.
Reports are counts only: never a receiver, buyer or order number.`;

type Env = CliEnv;

/** The feature module each command runs in. */
const FEATURE_OF: Record<Command['name'], Type> = {
  'rotate-keys': VaultModule,
  'backfill-lookup': VaultModule,
  retention: RetentionModule,
  'print-cards': InvitationsModule,
};

export interface OpsCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

type Command =
  | { name: 'rotate-keys'; batch: number }
  | { name: 'backfill-lookup' }
  | { name: 'retention'; dryRun: boolean; shop?: string }
  | { name: 'print-cards'; date: string; shop: string; out: string; perPage: CardsPerPage };

/** Exit codes: 0 done, 1 failed, 2 usage error. */
export async function runOpsCli(argv: string[], env: Env, io: OpsCliIo): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const target = cliTarget(env, ['FULFILMENT_KEK', 'FULFILMENT_BLIND_INDEX_KEY', 'INVITE_TOKEN_KEYS']);
  if ('problem' in target) {
    io.err(`${target.problem}\n`);
    return 1;
  }
  const secrets = target.secrets;
  let context: INestApplicationContext | undefined;
  try {
    // Missing or malformed keys are said before the database is touched.
    loadCryptoKeys(secrets, 'FULFILMENT');
    // The vault module holds both fulfilment keys, so every vault-backed command needs both.
    if (command.name !== 'print-cards') loadBlindIndex(secrets, 'FULFILMENT');
    if (command.name === 'print-cards') loadTokenSigner(secrets, 'INVITE');
    // The service's own feature module for the command: one object graph, wired in one place.
    context = await openOrdersCliContext(FEATURE_OF[command.name], {
      adminDatabaseUrl: target.adminUrl,
      env: secrets,
      brandId: secrets.BRAND_ID ?? 'demo',
      publicBaseUrl: secrets.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3000',
    });
    const actor = `cli:${userInfo().username}`;
    switch (command.name) {
      case 'rotate-keys': {
        const report = await context.get(RotateDataKeys).execute(actor, {
          batchSize: command.batch,
        });
        io.out(`${JSON.stringify(report, null, 2)}\n`);
        io.err(
          `every live data key is wrapped under "${report.currentKid}"; older KEKs can leave FULFILMENT_KEK\n`,
        );
        return 0;
      }
      case 'backfill-lookup': {
        const report = await context.get(BackfillLookupIndex).execute();
        io.out(`${JSON.stringify(report, null, 2)}\n`);
        return 0;
      }
      case 'retention': {
        const report = await context.get(ApplyRetention).execute(actor, {
          dryRun: command.dryRun,
          shopId: command.shop,
        });
        io.out(`${JSON.stringify(report, null, 2)}\n`);
        io.err(
          `${command.dryRun ? 'dry run, nothing changed: would shred' : 'shredded'} ` +
            `${report.shops.reduce((n, s) => n + s.ordersShredded, 0)} receiver(s) and ` +
            `${report.shops.reduce((n, s) => n + s.buyerKeysShredded, 0)} buyer key(s), ` +
            `${command.dryRun ? 'would delete' : 'deleted'} ${report.shops.reduce((n, s) => n + s.recordsDeleted, 0)} record(s)\n`,
        );
        return 0;
      }
      case 'print-cards': {
        const printed = await context.get(PrintCardSheet).execute({
          shopId: command.shop,
          shippedOn: command.date,
          perPage: command.perPage,
        });
        writeFileSync(command.out, printed.html);
        io.err(`${printed.cards} card(s) written to ${command.out}\n`);
        return 0;
      }
    }
    return command satisfies never;
  } catch (err) {
    if (err instanceof InvitationsError) io.err(`${err.code}: ${err.message}\n`);
    else io.err(`${command.name} failed: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  } finally {
    await context?.close();
  }
}

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      batch: { type: 'string' },
      'dry-run': { type: 'boolean' },
      shop: { type: 'string' },
      date: { type: 'string' },
      out: { type: 'string' },
      'per-page': { type: 'string' },
    },
  });
  const [name, ...extra] = positionals;
  if (extra.length > 0) throw new Error(`unexpected argument: ${extra[0]}`);
  const shop = (required: boolean) => {
    if (values.shop === undefined && !required) return undefined;
    if (!values.shop || !/^[A-Za-z0-9_-]{1,64}$/.test(values.shop))
      throw new Error('--shop must be 1-64 letters, digits, _ or -');
    return values.shop;
  };
  switch (name) {
    case 'rotate-keys': {
      const batch = Number(values.batch ?? 1000);
      if (!Number.isInteger(batch) || batch < 1 || batch > 10000) throw new Error('--batch must be 1-10000');
      return { name, batch };
    }
    case 'backfill-lookup':
      return { name };
    case 'retention':
      return { name, dryRun: values['dry-run'] === true, shop: shop(false) };
    case 'print-cards': {
      if (!values.date || !/^\d{4}-\d{2}-\d{2}$/.test(values.date) || Number.isNaN(Date.parse(values.date)))
        throw new Error('--date must be YYYY-MM-DD');
      if (!values.out) throw new Error('--out <file.html> is required');
      const perPage = Number(values['per-page'] ?? 8);
      if (!(CARDS_PER_PAGE as readonly number[]).includes(perPage))
        throw new Error(`--per-page must be one of ${CARDS_PER_PAGE.join(', ')}`);
      return {
        name,
        date: values.date,
        shop: shop(true)!,
        out: values.out,
        perPage: perPage as CardsPerPage,
      };
    }
    default:
      throw new Error(name ? `unknown command: ${name}` : 'no command');
  }
}

if (require.main === module) {
  runOpsCli(process.argv.slice(2), process.env, {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  }).then((code) => process.exit(code));
}
