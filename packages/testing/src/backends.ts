import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The real servers a suite can run against. `./scripts/test` summarises them on its last line. */
export type Backend = "sqlite" | "postgres" | "kafka" | "esdb";

export type BackendOutcome = { status: "ran" } | { status: "skipped"; reason: string };

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export function backendReportDir(): string {
  return process.env.BACKEND_REPORT_DIR ?? join(repoRoot, ".reports", "backends");
}

/** Backends that may never be skipped when CI=true (the brief: a skipped SQLite, PostgreSQL or Kafka suite fails CI). */
export const requiredInCi: ReadonlySet<Backend> = new Set(["sqlite", "postgres", "kafka"]);

/**
 * Records that a suite used (or could not use) a backend. One JSON line per call, appended to
 * `<report dir>/<backend>.jsonl`; appends of short lines are atomic, so parallel workers are safe.
 */
export function reportBackend(backend: Backend, suite: string, outcome: BackendOutcome): void {
  const dir = backendReportDir();
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${backend}.jsonl`), `${JSON.stringify({ backend, suite, ...outcome })}\n`);
}

/**
 * Call at the top of a suite once the backend's availability is known. Reports the outcome and, when the
 * backend is unavailable under CI=true for a backend CI requires, throws so that the suite fails loudly.
 * Returns whether the suite should run.
 */
export function useBackend(backend: Backend, suite: string, available: true | { reason: string }): boolean {
  if (available === true) {
    reportBackend(backend, suite, { status: "ran" });
    return true;
  }
  reportBackend(backend, suite, { status: "skipped", reason: available.reason });
  if (process.env.CI === "true" && requiredInCi.has(backend)) {
    throw new Error(
      `${backend} is required when CI=true but is unavailable for ${suite}: ${available.reason}`,
    );
  }
  return false;
}
