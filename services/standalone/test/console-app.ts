import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { createTestDatabase, testAuthKeys } from '@siyu/testing';
import { frontDoorLinks, serveConsoleAndApiDocs } from '../src/console-static';
import { StandaloneModule } from '../src/standalone.module';

const ROOT = join(__dirname, '..', '..', '..');

/** `vite build` of the console into a fresh directory (what `npm start` serves from dist/console). */
export function buildConsole(): string {
  const out = mkdtempSync(join(tmpdir(), 'siyu-console-'));
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'vite'),
    // Each build writes to its own directory, so builds may run side by side: Jest runs two
    // console suites at once, and Vite's process lock (per project, not per output) refused the
    // second with "Found another Vite build process for this project".
    ['build', '--config', 'services/console/vite.config.mjs', '--bypass-lock'],
    {
      cwd: ROOT,
      env: { ...process.env, CONSOLE_OUT_DIR: out },
      stdio: 'pipe',
    },
  );
  return out;
}

export interface RunningConsole {
  app: INestApplication;
  url: string;
  adminPassword: string;
  /** The test database (tests read the sandbox SMS outbox from it, as a customer reads their phone). */
  adminUrl: string;
  /** The in-process broker the services share (a test may publish a contract event on it, as a service would). */
  transport: InProcessTransport;
}

/** standalone as `npm start` wires it (same module, HTTP edge, console and API docs), on a free port. */
export async function startConsole(name: string, consoleDir: string): Promise<RunningConsole> {
  const adminUrl = await createTestDatabase(name);
  const authKeys = testAuthKeys();
  let adminPassword = '';
  const transport = new InProcessTransport(3);
  const moduleRef = await Test.createTestingModule({
    imports: [
      StandaloneModule.register({
        adminDatabaseUrl: adminUrl,
        transport,
        env: generateSecretsEnv(),
        authKeys,
        brand: { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' },
        publicBaseUrl: 'http://127.0.0.1:3000',
        frontDoor: frontDoorLinks(consoleDir),
        announce: (line) => {
          adminPassword = /one-time password (\S+)/.exec(line)?.[1] ?? adminPassword;
        },
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ rawBody: true, logger: ['error'] });
  installHttpEdge(app, authKeys);
  serveConsoleAndApiDocs(app, consoleDir);
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), adminPassword, adminUrl, transport };
}
