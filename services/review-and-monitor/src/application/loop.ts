import { chinaDate } from "@gov/calendar";
import type { DepartmentRef, ReviewAndMonitorEventData } from "@gov/contracts";
import type { CommandInput, NewEvent } from "@gov/eventsourcing";
import type { FeedbackCommand } from "../domain/feedback/feedback.ts";
import { asAny, type CommandContext, type Handlers, together } from "./handlers.ts";

type Data = ReviewAndMonitorEventData;
export const loopClockId = (feedbackId: string) => `loop.${feedbackId}`;

/** The deadline a loop event sets for the next step (absent: the loop is closed or nothing changed). */
function nextDeadline(events: readonly NewEvent[]): { set?: string; closed: boolean } {
  for (const e of [...events].reverse()) {
    const d = e.data as Partial<Data["FeedbackOpened"] & Data["FeedbackStepDone"]>;
    if (typeof d.dueOn === "string" && d.step) return { set: d.dueOn, closed: false };
    if (d.next) return { set: d.next.dueOn, closed: false };
    if (d.step === "close") return { closed: true };
  }
  return { closed: false };
}

/**
 * A loop command and its clock as ONE write: every step's deadline is a clock the warnings follow (the same
 * machinery as intake's deadlines), restarted when a step is done and stopped when the loop closes.
 */
async function withClock(
  handlers: Handlers,
  feedbackId: string,
  department: DepartmentRef,
  command: CommandInput<FeedbackCommand>,
  ctx: CommandContext,
) {
  const loop = await handlers.feedback.prepare(feedbackId, command, ctx);
  if (loop.kind === "answered") return [asAny(loop)];
  const { set, closed } = nextDeadline(loop.write.events);
  const clockId = loopClockId(feedbackId);
  if (set) {
    const clock = await handlers.watch.prepare(
      clockId,
      {
        type: "StartClock",
        data: {
          clockId,
          kind: "feedback-step",
          refId: feedbackId,
          department,
          startedOn: chinaDate(ctx.now),
          dueOn: set,
        },
      },
      ctx,
    );
    return [asAny(loop), asAny(clock)];
  }
  if (closed) {
    const clock = await handlers.watch.prepare(
      clockId,
      { type: "StopClock", data: { reason: "closed" } },
      ctx,
    );
    return [asAny(loop), asAny(clock)];
  }
  return [asAny(loop)];
}

/** Opens a loop (a 差评 or a complaint) with the clock of its first step, as prepared writes to add to others. */
export function openLoop(
  handlers: Handlers,
  data: Omit<Data["FeedbackOpened"], "step" | "dueOn">,
  ctx: CommandContext,
) {
  return withClock(handlers, data.feedbackId, data.department, { type: "OpenFeedback", data }, ctx);
}

/** Registers a complaint (12345 or 找茬窗口) routed to a department: the loop and its clock in one write. */
export function registerComplaint(
  handlers: Handlers,
  data: Omit<Data["FeedbackOpened"], "step" | "dueOn">,
  ctx: CommandContext,
) {
  return together(handlers.store, () => openLoop(handlers, data, ctx));
}

/** Any later loop command (a step, a reopening, an appeal), with its clock. */
export async function onLoop(
  handlers: Handlers,
  feedbackId: string,
  command: CommandInput<FeedbackCommand>,
  ctx: CommandContext,
) {
  return together(handlers.store, async () => {
    const state = await handlers.feedback.load(feedbackId);
    const department = state.status === "none" ? { creditCode: "", name: "" } : state.department;
    return withClock(handlers, feedbackId, department, command, ctx);
  });
}
