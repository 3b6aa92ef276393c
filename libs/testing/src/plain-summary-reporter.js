// Prints the run's totals as one plain closing line on standard output (no colours), after Jest's
// own summary (which goes to standard error, coloured when forced):
//   "tests: 1168 passed, 0 failed, 0 skipped"
// That is the plain "N passed, N failed" line CI reads to know what ran (Jest is not among the
// runners it recognises by their own closing lines). The same line is written to
// test-artifacts/summary.txt so .ci/run can repeat it as its very last line, after stopping Kafka.
// A suite that failed to run (syntax error, failed import) counts as one failed test: its tests
// never ran, and the line must not read as all green.
/* eslint-disable @typescript-eslint/no-require-imports -- Jest loads reporters as CommonJS */
const fs = require('node:fs');
const path = require('node:path');

class PlainSummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `tests: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests} skipped`;
    const detail =
      `jest suites: ${results.numPassedTestSuites} passed / ${results.numFailedTestSuites} failed` +
      ` of ${results.numTotalTestSuites}`;
    process.stdout.write(`${detail}\n${line}\n`);
    const dir = path.join(this.rootDir, 'test-artifacts');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'summary.txt'), `${line}\n`);
  }
}
module.exports = PlainSummaryReporter;
