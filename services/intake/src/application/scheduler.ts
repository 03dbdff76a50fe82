import { chinaDate } from "@gov/calendar";
import type { Actor } from "@gov/contracts";
import type { MessagingLogger } from "@gov/messaging";
import { forEachCase, type StuckCase } from "@gov/runtime";
import { type CheckDeps, deemAccepted } from "./check.ts";

const scheduler: Actor = { id: "intake-scheduler", role: "system" };

/** The process's name in logs and in `scheduler_case_failures_total`. */
export const PROCESS = "intake-deadlines";

export interface SchedulerRun {
  deemedAccepted: number;
  terminated: number;
  /** The applications this run could not move on (each is tried again next run). */
  stuck: StuckCase[];
}

/**
 * The scheduled, idempotent processes: deemed acceptance when no notice came within 5 working days
 * (行政许可法 第三十二条), and termination when 容缺 materials were not supplied in time. The read model names
 * candidates; the decider checks each against the application's own stream, so a repeat or a second replica
 * does nothing. One application that cannot proceed (say, a date the calendar has no year for) never stops
 * the others: it is logged, counted, and listed until a run moves it on.
 */
/** Where the scheduler finds its candidates (the applications read model, from SQL). */
export interface SchedulerCandidates {
  /** `today`: a China date; the model may leave out applications that cannot be due yet on that day. */
  candidates(
    today?: string,
  ): Promise<{ applicationId: string; action: "DeemAccepted" | "TerminateUnsupplied" }[]>;
}

export function intakeScheduler(deps: CheckDeps & { logger: MessagingLogger }, model: SchedulerCandidates) {
  let stuck: StuckCase[] = [];
  let lastRunAt: string | undefined;
  return {
    async run(now: string): Promise<SchedulerRun> {
      const cases = (await model.candidates(chinaDate(now))).map((c) => ({
        id: c.applicationId,
        action: c.action,
      }));
      const ctx = { now, actor: scheduler };
      const result = await forEachCase(
        PROCESS,
        cases,
        async (c) => {
          const r =
            c.action === "DeemAccepted"
              ? await deemAccepted(deps, c.id, ctx)
              : await deps.handler.handle(c.id, { type: "TerminateUnsupplied", data: {} }, ctx);
          return r.events.length > 0;
        },
        { logger: deps.logger, now },
      );
      // A case stuck before keeps the time it first got stuck.
      const before = new Map(stuck.map((s) => [`${s.action}:${s.id}`, s.since]));
      stuck = result.stuck.map((s) => ({ ...s, since: before.get(`${s.action}:${s.id}`) ?? s.since }));
      lastRunAt = now;
      return {
        deemedAccepted: result.moved.DeemAccepted ?? 0,
        terminated: result.moved.TerminateUnsupplied ?? 0,
        stuck,
      };
    },
    /** The applications the last run could not move on. */
    status(): { lastRunAt?: string; stuck: StuckCase[] } {
      return { ...(lastRunAt ? { lastRunAt } : {}), stuck };
    },
  };
}

export type IntakeScheduler = ReturnType<typeof intakeScheduler>;
