import { chinaDate } from "@gov/calendar";
import type { MessagingLogger } from "@gov/messaging";
import { forEachCase } from "@gov/runtime";
import type { Due } from "../read-models/registry.ts";
import type { SubjectCommands } from "./subjects.ts";

export const SCHEDULER = "credit-scheduler";
const scheduler = { id: SCHEDULER, role: "system" } as const;

/**
 * The scheduled, idempotent process: entries whose objection window has closed take effect, entries at their
 * maximum disclosure period stop being disclosed (信用修复管理办法), and 经营异常名录 entries still listed at
 * the end of their period move to the 严重违法失信名单 (市场监督管理严重违法失信名单管理办法 国家市场监督管理总局令第44号). The registry says what may be due; the
 * decider checks against the subject's own stream, so a lagging registry, a second run or a second replica
 * changes nothing. One entry that cannot move on never stops the others: it is listed in `stuck`.
 */
export async function runDueProcesses(
  subjects: SubjectCommands,
  registry: { due(today: string): Due[] | Promise<Due[]> },
  now: string,
  logger: MessagingLogger,
) {
  const due = (await registry.due(chinaDate(now))).map((d) => ({
    ...d,
    id: `${d.subjectId}/${d.listingId}`,
  }));
  const { moved, stuck } = await forEachCase(
    SCHEDULER,
    due,
    async (d) => {
      const r = await subjects.handle(
        d.subjectId,
        { type: d.action, data: { listingId: d.listingId } },
        { now, actor: scheduler },
      );
      return r.events.length > 0;
    },
    { logger, now },
  );
  return {
    tookEffect: moved.TakeEffect ?? 0,
    expired: moved.ExpireListing ?? 0,
    movedToSeriousList: moved.MoveToSeriousIllegalDishonestyList ?? 0,
    stuck,
  };
}
