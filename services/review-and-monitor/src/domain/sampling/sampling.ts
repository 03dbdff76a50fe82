import type { ReviewAndMonitorEventData } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";

type Data = ReviewAndMonitorEventData;

/** A month of 告知承诺 sampling (`sampling-<YYYY-MM>`): its seed, once revealed after the month. */
export type SamplingEvent = { type: "SamplingSeedRevealed"; data: Data["SamplingSeedRevealed"] };

/** Reveals the month's seed; refused while the month is not over (its draws must stay unpredictable). */
export type RevealSamplingSeed = Command<"RevealSamplingSeed", { period: string }>;
export type SamplingCommand = RevealSamplingSeed;

export type SamplingState = { revealed?: Data["SamplingSeedRevealed"] };

export const initialSamplingState = (): SamplingState => ({});

export function evolveSampling(_state: SamplingState, event: SamplingEvent): SamplingState {
  return { revealed: event.data };
}
