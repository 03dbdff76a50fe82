import type { MessagingLogger } from "@gov/messaging";
import { Counter, type Registry } from "prom-client";
import { domainErrorMapper } from "./domain-errors.ts";

/** One case a scheduled run could not move on, and why (listed by the service, counted in a metric). */
export interface StuckCase {
  id: string;
  action: string;
  error: string;
  /** The RFC 9457 problem type of the cause when it has one (e.g. a calendar that is not published). */
  problemType?: string;
  since: string;
}

export interface ScheduleOptions {
  /** Names the process in logs and metrics, e.g. `intake-deadlines`. */
  name: string;
  /** How often to run (0: never; it then runs only when asked). */
  intervalMs: number;
  /** Runs only once this says the read model the process reads has caught up. */
  ready: () => boolean;
  run: () => Promise<unknown>;
  logger: MessagingLogger;
}

/**
 * Runs a module's scheduled process every `intervalMs`, one run at a time, and only once `ready()` says the
 * read model it reads has caught up. A failed run is logged with its error and retried next time.
 */
export function startSchedule(options: ScheduleOptions) {
  let running: Promise<unknown> = Promise.resolve();
  const timer =
    options.intervalMs > 0
      ? setInterval(() => {
          running = running
            .then(async () => {
              if (!options.ready()) return runsMetric?.inc({ process: options.name, outcome: "waiting" });
              await options.run();
              runsMetric?.inc({ process: options.name, outcome: "ok" });
            })
            .catch((error: unknown) => {
              runsMetric?.inc({ process: options.name, outcome: "failed" });
              options.logger.error({ process: options.name, error: String(error) }, "scheduled run failed");
            });
        }, options.intervalMs)
      : undefined;
  timer?.unref();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

let failuresMetric: Counter<"process" | "action" | "reason"> | undefined;
let runsMetric: Counter<"process" | "outcome"> | undefined;

/**
 * Registers `scheduler_case_failures_total{process, action, reason}` and `scheduler_runs_total{process, outcome}`
 * (outcome `ok`, `failed`, or `waiting` for its read model) once per registry.
 */
export function registerSchedulerMetrics(registry: Registry): void {
  runsMetric ??= new Counter({
    name: "scheduler_runs_total",
    help: "scheduled runs by process and outcome (ok, failed, waiting for the read model to catch up)",
    labelNames: ["process", "outcome"],
    registers: [],
  });
  if (!registry.getSingleMetric("scheduler_runs_total")) registry.registerMetric(runsMetric);
  failuresMetric ??= new Counter({
    name: "scheduler_case_failures_total",
    help: "cases a scheduled process could not move on, by process, action and reason",
    labelNames: ["process", "action", "reason"],
    registers: [],
  });
  if (!registry.getSingleMetric("scheduler_case_failures_total")) registry.registerMetric(failuresMetric);
}

/**
 * Runs a scheduled process case by case: one case that cannot proceed never stops the others. Each failure
 * is logged (ids only, never personal data), counted in `scheduler_case_failures_total`, and returned in
 * `stuck`; the case is tried again on the next run.
 */
export async function forEachCase<Case extends { id: string; action: string }>(
  process: string,
  cases: Iterable<Case>,
  handle: (c: Case) => Promise<boolean>,
  options: { logger: MessagingLogger; now: string; classify?: (error: unknown) => string | undefined },
): Promise<{ moved: Record<string, number>; stuck: StuckCase[] }> {
  const moved: Record<string, number> = {};
  const stuck: StuckCase[] = [];
  for (const c of cases) {
    try {
      if (await handle(c)) moved[c.action] = (moved[c.action] ?? 0) + 1;
    } catch (error) {
      const problemType = (options.classify ?? problemTypeOf)(error);
      const reason = error instanceof Error ? error.name : "error";
      failuresMetric?.inc({ process, action: c.action, reason });
      options.logger.warn(
        { process, caseId: c.id, action: c.action, reason, ...(problemType ? { problemType } : {}) },
        "scheduled step could not proceed; it is retried next run",
      );
      stuck.push({
        id: c.id,
        action: c.action,
        error: error instanceof Error ? error.message : String(error),
        ...(problemType ? { problemType } : {}),
        since: options.now,
      });
    }
  }
  return { moved, stuck };
}

/** The RFC 9457 type of the problem an error maps to, when it has its own (e.g. a calendar not published). */
function problemTypeOf(error: unknown): string | undefined {
  const type = error instanceof Error ? domainErrorMapper(error)?.type : undefined;
  return type === "about:blank" ? undefined : type;
}
