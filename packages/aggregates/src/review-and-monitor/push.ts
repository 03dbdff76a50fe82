import type { ReviewAndMonitorEventData } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";

type Data = ReviewAndMonitorEventData;
export type PushEvent =
  | { type: "PushReceived"; data: Data["PushReceived"] }
  | { type: "PushClaimed"; data: Data["PushClaimed"] }
  | { type: "PushOverdue"; data: Data["PushOverdue"] };

export type ReceivePush = Command<"ReceivePush", Omit<Data["PushReceived"], "claimBy">>;
export type ClaimPush = Command<"ClaimPush", Record<string, never>>;
/** The scheduler looks at the task on the command's business date. */
export type EvaluatePush = Command<"EvaluatePush", Record<string, never>>;
export type PushCommand = ReceivePush | ClaimPush | EvaluatePush;

export type PushState =
  | { status: "none" }
  | { status: "pending" | "claimed"; push: Data["PushReceived"]; overdue: boolean };

export const initialPushState = (): PushState => ({ status: "none" });

export function evolvePush(state: PushState, event: PushEvent): PushState {
  switch (event.type) {
    case "PushReceived":
      return { status: "pending", push: event.data, overdue: false };
    case "PushClaimed":
      return state.status === "none" ? state : { ...state, status: "claimed" };
    case "PushOverdue":
      return state.status === "none" ? state : { ...state, overdue: true };
    default: {
      const never: never = event;
      return never;
    }
  }
}
