// Prints the run's totals on standard output as one plain line (no colours), after Jest's own
// summary (which goes to standard error, coloured when forced). CI logs and tools that read only
// stdout then see what ran: "jest summary: suites 138 passed / 0 failed of 138; tests ...".
class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const line =
      `jest summary: suites ${results.numPassedTestSuites} passed / ${results.numFailedTestSuites} failed` +
      ` of ${results.numTotalTestSuites}; tests ${results.numPassedTests} passed / ${results.numFailedTests} failed` +
      ` / ${results.numPendingTests} skipped of ${results.numTotalTests}`;
    process.stdout.write(`${line}\n`);
  }
}
module.exports = PlainSummaryReporter;
