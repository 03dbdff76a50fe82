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
