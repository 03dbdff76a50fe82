import type { ReviewAndMonitorEventData } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";
import type { Level } from "./watch.ts";

type Data = ReviewAndMonitorEventData;
/** A permit's 告知承诺 verification task (`verification-<permitId>`), its deadline warnings on the same stream. */
export type VerificationEvent =
  | { type: "PromiseVerificationOpened"; data: Data["PromiseVerificationOpened"] }
  | { type: "PromiseVerificationConcluded"; data: Data["PromiseVerificationConcluded"] }
  | { type: "DeadlineWarningRaised"; data: Data["DeadlineWarningRaised"] }
  | { type: "DeadlineWarningCleared"; data: Data["DeadlineWarningCleared"] };

export type OpenVerification = Command<
  "OpenVerification",
  Omit<Data["PromiseVerificationOpened"], "sampling" | "dueOn" | "method" | "samplingRatio" | "rulesFrom"> & {
    /** The matter version's method and ratio; absent: the configured default. */
    rules?: { method: Data["PromiseVerificationOpened"]["method"]; samplingRatio: number };
  }
>;
export type ConcludeVerification = Command<
  "ConcludeVerification",
  { outcome: "verified" | "false"; note?: string; findingId?: string }
>;
/** The scheduler looks at the task's deadline on the command's business date. */
export type EvaluateVerification = Command<"EvaluateVerification", Record<string, never>>;
export type VerificationCommand = OpenVerification | ConcludeVerification | EvaluateVerification;

export type VerificationState =
  | { status: "none" }
  | {
      status: "not-sampled" | "open" | "concluded";
      task: Data["PromiseVerificationOpened"];
      raised: Level[];
      outcome?: "verified" | "false";
    };

export const initialVerificationState = (): VerificationState => ({ status: "none" });

/** The clock id its warnings carry (the warning lists show it beside the other clocks). */
export const verificationClockId = (verificationId: string) => `verify.${verificationId}`;

export function evolveVerification(state: VerificationState, event: VerificationEvent): VerificationState {
  if (event.type === "PromiseVerificationOpened")
    return { status: event.data.sampling.sampled ? "open" : "not-sampled", task: event.data, raised: [] };
  if (state.status === "none") return state;
  switch (event.type) {
    case "PromiseVerificationConcluded":
      return { ...state, status: "concluded", outcome: event.data.outcome };
    case "DeadlineWarningRaised":
      return { ...state, raised: [...state.raised, event.data.level] };
    case "DeadlineWarningCleared":
      return { ...state, raised: state.raised.filter((l) => l !== event.data.level) };
    default: {
      const never: never = event;
      return never;
    }
  }
}
