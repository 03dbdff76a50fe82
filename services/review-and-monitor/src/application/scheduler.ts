import { chinaDate } from "@gov/calendar";
import type { MessagingLogger } from "@gov/messaging";
import { forEachCase } from "@gov/runtime";
import type { SqlSupervision } from "../read-models/supervision-sql.ts";
import type { Handlers } from "./handlers.ts";

export const SCHEDULER = "review-and-monitor-clocks";
const system = { id: SCHEDULER, role: "system" } as const;

/**
 * Looks at every running clock and every unclaimed push and open 告知承诺 verification task on `now`: yellow and red warnings are raised by the clock's decider, once per
 * threshold however often this runs (a second run on the same day appends nothing).
 */
export async function evaluateClocks(
  handlers: Handlers,
  model: SqlSupervision,
  now: string,
  logger: MessagingLogger,
) {
  const { clocks, pushes } = await model.scheduled();
  const running = [
    ...clocks.map((c) =>
      c.kind === "promise-verification"
        ? { id: c.refId, action: "evaluate-verification" }
        : { id: c.clockId, action: "evaluate" },
    ),
    ...pushes.map((p) => ({ id: p.pushId, action: "evaluate-push" })),
  ];
  let raised = 0;
  const { stuck } = await forEachCase(
    SCHEDULER,
    running,
    async (c) => {
      const ctx = { now, actor: system };
      const r =
        c.action === "evaluate"
          ? await handlers.watch.handle(c.id, { type: "EvaluateClock", data: {} }, ctx)
          : c.action === "evaluate-verification"
            ? await handlers.verifications.handle(c.id, { type: "EvaluateVerification", data: {} }, ctx)
            : await handlers.pushes.handle(c.id, { type: "EvaluatePush", data: {} }, ctx);
      raised += r.events.length;
      return r.events.length > 0;
    },
    { logger, now },
  );
  return { looked: running.length, raised, stuck };
}

/** The scheduled process that reveals the sampling seeds of ended months (hourly). */
export const SAMPLING_SCHEDULER = "review-and-monitor-sampling";

/** How many ended months back each run makes sure are revealed (a scheduler stopped that long still catches up). */
const REVEAL_MONTHS_BACK = 3;

/**
 * Commit-reveal of the 告知承诺 draw: the seeds of the months that have ended (the last three, so a scheduler that was
 * stopped over a month's end catches up) are revealed, once each, so an auditor can re-derive every draw of them.
 */
export async function revealEndedPeriods(handlers: Handlers, now: string): Promise<string[]> {
  const [year, month] = chinaDate(now).split("-").map(Number) as [number, number];
  const revealed: string[] = [];
  for (let back = 1; back <= REVEAL_MONTHS_BACK; back++) {
    const d = new Date(Date.UTC(year, month - 1 - back, 1));
    const period = d.toISOString().slice(0, 7);
    const r = await handlers.sampling.handle(
      period,
      { type: "RevealSamplingSeed", data: { period } },
      { now, actor: system },
    );
    if (r.events.length > 0) revealed.push(period);
  }
  return revealed;
}
