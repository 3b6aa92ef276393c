import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Real-browser suites need Debian's chromium (`apt-get install -y chromium`). Without it they skip
 * with a loud message locally and FAIL under CI=true, like the Kafka suites.
 */
export function describeWithBrowser(name: string, body: (executablePath: string) => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, () => body(CHROMIUM));
    return;
  }
  if (process.env.CI === 'true')
    throw new Error(`CI=true but ${CHROMIUM} is missing: the browser suites must run in CI`);
  const banner = `\n!!! BROWSER SUITE NOT RUN: "${name}" needs chromium at ${CHROMIUM}. Run \`apt-get install -y chromium\` !!!\n`;
  describe(name, () => {
    it('is not run without chromium (fails under CI=true)', () => {
      console.warn(banner);
      expect(process.env.CI).not.toBe('true');
    });
  });
}
