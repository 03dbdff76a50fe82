import { chinaDate } from "@gov/calendar";
import { type DepartmentRef, type IntakeEventData, intakeEventTypes, topics } from "@gov/contracts";
import type { BusEvent } from "@gov/messaging";
import type { Handlers } from "../application/handlers.ts";

/** The topics whose clocks review-and-monitor follows. */
export const clockTopics = [topics.intake.application];

const reactor = { id: "review-and-monitor-clocks", role: "system" } as const;
export const clockIdOf = (kind: "art32" | "supply" | "limit", applicationId: string) =>
  `${kind}.${applicationId}`;

type Action =
  | {
      start: {
        id: string;
        kind: "art32-notice" | "deferred-supply" | "promised-time-limit";
        dueOn: string;
        department: DepartmentRef;
      };
    }
  | { stop: { id: string; reason: string } };

/**
 * Intake's clocks as review-and-monitor follows them, from intake's events only:
 * - 行政许可法 第三十二条: a notice (补正 or acceptance) within 5 working days of receipt — from ApplicationSubmitted
 *   to the first correction notice, acceptance, rejection or withdrawal;
 * - 容缺受理 (国发〔2022〕5号): the promised supply date — until supplied in full, terminated or withdrawn;
 * - the promised time limit (行政许可法 第四十二条) from acceptance to its `dueOn` — until withdrawn (approval's
 *   decisions will stop it once approval publishes them).
 */
function actionsFor(event: BusEvent, addWorkingDays: (d: string, n: number) => string): Action[] {
  const T = intakeEventTypes;
  const d = event.data as Record<string, unknown> & { applicationId: string };
  const id = d.applicationId;
  switch (event.type) {
    case T.ApplicationSubmitted: {
      const s = d as unknown as IntakeEventData["ApplicationSubmitted"];
      const dueOn = addWorkingDays(s.receivedOn, 5);
      return [
        {
          start: { id: clockIdOf("art32", id), kind: "art32-notice", dueOn, department: s.matter.department },
        },
      ];
    }
    case T.CorrectionRequested:
      return [{ stop: { id: clockIdOf("art32", id), reason: "correction notice given" } }];
    case T.ApplicationRejected:
      return [{ stop: { id: clockIdOf("art32", id), reason: "rejected" } }];
    case T.ApplicationAccepted: {
      const a = d as unknown as IntakeEventData["ApplicationAccepted"];
      return [
        { stop: { id: clockIdOf("art32", id), reason: "accepted" } },
        {
          start: {
            id: clockIdOf("limit", id),
            kind: "promised-time-limit",
            dueOn: a.dueOn,
            department: a.matter.department,
          },
        },
        ...(a.deferred
          ? [
              {
                start: {
                  id: clockIdOf("supply", id),
                  kind: "deferred-supply" as const,
                  dueOn: a.deferred.supplyBy,
                  department: a.matter.department,
                },
              },
            ]
          : []),
      ];
    }
    case T.DeferredMaterialsSupplied:
      return (d as unknown as IntakeEventData["DeferredMaterialsSupplied"]).complete
        ? [{ stop: { id: clockIdOf("supply", id), reason: "supplied" } }]
        : [];
    case T.ApplicationTerminated:
      return ["supply", "limit"].map((k) => ({
        stop: { id: clockIdOf(k as "supply", id), reason: "terminated" },
      }));
    case T.ApplicationWithdrawn:
      return (["art32", "supply", "limit"] as const).map((k) => ({
        stop: { id: clockIdOf(k, id), reason: "withdrawn" },
      }));
    default:
      return [];
  }
}

/**
 * Starts and stops clocks from intake's events. Ids derive from the event's id, so a redelivery appends nothing;
 * the department is the matter's (ApplicationSubmitted and ApplicationAccepted carry it).
 */
export async function reactToIntake(
  deps: { handlers: Handlers; addWorkingDays: (d: string, n: number) => string },
  event: BusEvent,
  now: string,
): Promise<void> {
  const actions = actionsFor(event, deps.addWorkingDays);
  const caseId = (event.data as { applicationId?: string }).applicationId ?? "";
  for (const [i, a] of actions.entries()) {
    const ctx = { now, actor: reactor, causationEventId: `${event.id}:${i}` };
    if ("stop" in a) {
      await deps.handlers.watch.handle(
        a.stop.id,
        { type: "StopClock", data: { reason: a.stop.reason } },
        ctx,
      );
      continue;
    }
    await deps.handlers.watch.handle(
      a.start.id,
      {
        type: "StartClock",
        data: {
          clockId: a.start.id,
          kind: a.start.kind,
          refId: caseId,
          department: a.start.department,
          startedOn: chinaDate(event.time),
          dueOn: a.start.dueOn,
        },
      },
      ctx,
    );
  }
}
