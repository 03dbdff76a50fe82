// Prints the closing lines of ./scripts/test: the test counts, then which real backends the run used.
// Exits 1 when CI=true and a backend that CI requires was skipped or never used.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [reportDir, jsonReport] = process.argv.slice(2);
if (!reportDir) throw new Error("usage: summary.ts <backend report dir> [vitest json report]");

const backends = ["sqlite", "postgres", "kafka", "esdb"] as const;
const requiredInCi = new Set(["sqlite", "postgres", "kafka"]);
let failed = false;

if (jsonReport && existsSync(jsonReport)) {
  const r = JSON.parse(readFileSync(jsonReport, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults?: { status: string }[];
  };
  // A file whose set-up failed (a beforeAll) fails no test: its tests count as skipped, so say so. (Counted
  // from the files: numFailedTestSuites counts a failing test's describe blocks too.)
  const failedFiles = (r.testResults ?? []).filter((file) => file.status === "failed").length;
  process.stdout.write(
    `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped` +
      `${failedFiles > 0 ? `; ${failedFiles} test file${failedFiles === 1 ? "" : "s"} failed` : ""}\n`,
  );
}

const parts: string[] = [];
for (const backend of backends) {
  const file = join(reportDir, `${backend}.jsonl`);
  let value = "absent";
  if (existsSync(file)) {
    const rows = readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { status: string; reason?: string; suite: string });
    const skipped = rows.filter((r) => r.status === "skipped");
    if (skipped.length === 0) value = "ran";
    else value = `skipped (${[...new Set(skipped.map((r) => r.reason))].join("; ")})`;
    if (skipped.length > 0 && rows.some((r) => r.status === "ran")) {
      value = `skipped (${skipped.length} of ${rows.length} suites: ${skipped[0]?.reason})`;
    }
  }
  if (process.env.CI === "true" && requiredInCi.has(backend) && value !== "ran" && value !== "absent") {
    failed = true;
  }
  parts.push(`${backend}=${value}`);
}
process.stdout.write(`backends: ${parts.join(" ")}\n`);
process.exit(failed ? 1 : 0);
