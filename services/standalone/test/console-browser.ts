import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { waitFor } from '@siyu/testing';
import { CHROMIUM_ARGS } from '../../consent/test/describe-with-browser';
import { buildConsole, startConsole, type RunningConsole } from './console-app';
import { apiLogIn, callApi } from './console-seed';

// What every console browser test shares: the console served by standalone, one Chromium, a staff
// account per role, and the moves a person makes on the page (log in, open a menu entry, pick an
// option, wait for the page to show something, check accessibility, keep a screenshot).

const ROOT = join(__dirname, '..', '..', '..');
export const SHOTS = join(ROOT, 'test-artifacts', 'console');
export const TMALL_CSV = join(ROOT, 'services', 'orders', 'test', 'fixtures', 'tmall-orders.csv');
const AXE = require.resolve('axe-core/axe.min.js');
/** Every staff account the tests make has this password (the admin's is the first-start one). */
export const PASSWORD = 'console-test-password-1';
export const VIEWPORT = { width: 1440, height: 900 };
// Generous: the CI machine runs these beside other suites; a campaign run alone takes seconds.
export const TEST_TIMEOUT = 180_000;
/** One account per role besides the first-start admin, made by the admin through the API. */
export const STAFF = [
  ['li.ops', 'ops'],
  ['wang.marketer', 'marketer'],
  ['zhao.privacy', 'privacy_officer'],
] as const;

export interface ConsoleInBrowser {
  server: RunningConsole;
  browser: Browser;
}

/** `vite build` of the console, standalone serving it on a free port, Chromium, and the STAFF accounts. */
export async function startConsoleInBrowser(name: string, executablePath: string): Promise<ConsoleInBrowser> {
  mkdirSync(SHOTS, { recursive: true });
  const server = await startConsole(name, buildConsole());
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const admin = await apiLogIn(server, 'admin', server.adminPassword);
  for (const [username, role] of STAFF) {
    const made = await callApi(server, 'POST', '/api/v1/identity/accounts', admin, {
      username,
      role,
      password: PASSWORD,
    });
    if (made.status !== 201) throw new Error(`account ${username}: ${made.status} ${await made.text()}`);
  }
  return { server, browser };
}

export async function stopConsoleInBrowser(running: ConsoleInBrowser | undefined): Promise<void> {
  await running?.browser.close();
  await running?.server.app.close();
}

/** A new tab logged in through the login form, on `path` under /console/ (the session stays in the tab). */
export async function logInTab(
  { server, browser }: ConsoleInBrowser,
  username: string,
  { password = PASSWORD, viewport = VIEWPORT, path = '' } = {},
): Promise<Page> {
  // bypassCSP: only to inject axe-core.
  const page = await browser.newPage({ viewport, acceptDownloads: true, bypassCSP: true });
  await page.goto(`${server.url}/console/${path}`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page
    .getByRole('button', { name: '登 录' })
    .or(page.getByRole('button', { name: '登录' }))
    .click();
  await page.getByTestId('whoami').waitFor();
  return page;
}

/** Through the navigation, as a person would. */
export async function open(page: Page, menu: string): Promise<void> {
  await page.getByRole('navigation').getByRole('menuitem', { name: menu, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: menu }).waitFor();
}

/** How long one pick may take to show before it is tried again (a re-render is milliseconds). */
const PICK_SHOWS_WITHIN_MS = 10_000;
const PICK_ATTEMPTS = 3;

/** The antd Select around the combobox input that `select` locates (labelled inputs are the handle). */
const selectRoot = (select: Locator) =>
  select.locator(
    'xpath=ancestor-or-self::*[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]',
  );

/**
 * Picks an option of an antd Select (its options carry their label as title) and waits until the
 * pick has taken: by default the Select shows the option as its value; a Select that keeps no value
 * (`value={null}`, e.g. "add a condition") names what the pick makes appear in `shows`.
 *
 * Why it does not stop at the click: on a loaded machine the click on an option can land while the
 * dropdown is still sliding open, so the option never sees the click and nothing is selected (the
 * rule editor's value field, shown only once an operator is chosen, then never appeared). The pick
 * is tried again only while its result is missing, so a pick is never made twice.
 */
export async function choose(page: Page, select: Locator, option: string, shows?: Locator): Promise<void> {
  const picked = shows ?? selectRoot(select).locator(`.ant-select-content[title="${option}"]`);
  const item = page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`);
  for (let attempt = 1; ; attempt++) {
    // Open the dropdown unless this pick's option is already offered (a retry after a missed click).
    if (!(await item.isVisible())) await select.click();
    await item.click();
    try {
      await picked.waitFor({ timeout: PICK_SHOWS_WITHIN_MS });
      return;
    } catch (e) {
      if (attempt >= PICK_ATTEMPTS)
        throw new Error(`choosing "${option}" never took after ${attempt} clicks: ${(e as Error).message}`);
      // Said in the run's output so a missed click is seen, not silently absorbed.
      console.warn(`choose: "${option}" did not take on click ${attempt}; picking it again`);
    }
  }
}

/** axe-core injected into the page: no serious or critical violation (WCAG 2.1 AA rules). */
export async function expectAccessible(page: Page): Promise<void> {
  // A dropdown still animating out after a pick is not the page a user reads: axe once caught one
  // half-closed (its option list and a hovered option's contrast; a clean-clone run failed on it).
  const openDropdowns = page.locator('.ant-select-dropdown:visible');
  for (const deadline = Date.now() + 5_000; (await openDropdowns.count()) > 0 && Date.now() < deadline;)
    await new Promise((resolve) => setTimeout(resolve, 100));
  await page.addScriptTag({ path: AXE });
  const violations: { id: string; impact: string; nodes: { target: string[] }[] }[] = await page.evaluate(
    async () =>
      (
        await (globalThis as any).axe.run((globalThis as any).document, {
          runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa'],
        })
      ).violations,
  );
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}

/** Waits until the text `read` returns passes `test` (the page updates on its own: live counts, polling). */
export async function until(
  read: () => Promise<string>,
  test: (text: string) => boolean,
  timeoutMs = 20_000,
  context?: () => Promise<string>,
): Promise<void> {
  let last = '';
  try {
    await waitFor(
      async () => {
        last = await read().catch((e: Error) => `(${e.message.split('\n')[0]})`);
        return test(last);
      },
      'the page to show it',
      timeoutMs,
    );
  } catch {
    throw new Error(`the page never showed it; last: ${last}; ${context ? await context() : ''}`);
  }
}

/** A full-page screenshot kept as a test artifact, named by the viewport's width. */
export const shot = (page: Page, name: string) =>
  page.screenshot({
    path: join(SHOTS, `${name}-${page.viewportSize()?.width ?? VIEWPORT.width}.png`),
    fullPage: true,
  });

/** The form item's error text under the field labelled `label`. */
export const errorUnder = (scope: Locator, label: string) =>
  scope
    .locator('.ant-form-item', { has: scope.page().getByText(label, { exact: true }) })
    .locator('.ant-form-item-explain');
