import { chinaDate } from "@gov/calendar";
import { type Decider, StateConflict } from "@gov/eventsourcing";
import { periodOf, periodSeed, seedCommitment } from "../verification/sampling.ts";
import {
  evolveSampling,
  initialSamplingState,
  type SamplingCommand,
  type SamplingEvent,
  type SamplingState,
} from "./sampling.ts";

/** The secret every month's seed is derived from (`REVIEW_SAMPLING_SEED`). */
export interface SamplingRules {
  seed: string;
}

/**
 * A month's decider (stream `sampling-<YYYY-MM>`). Commit-reveal keeps the 告知承诺 draw (国办发〔2020〕42号: verification by
 * sampling) unpredictable while it matters and checkable afterwards: during the month every task commits to
 * SHA-256 of the month's seed; once the month is over the seed is revealed, once.
 */
export function samplingDecider(
  rules: SamplingRules,
): Decider<SamplingCommand, SamplingEvent, SamplingState> {
  return {
    initialState: initialSamplingState,
    evolve: evolveSampling,
    decide: (command, state) => {
      if (state.revealed) return [];
      const { period } = command.data;
      const today = chinaDate(command.metadata.now);
      if (period >= periodOf(today))
        throw new StateConflict(`the seed of ${period} is revealed only after the month has ended`);
      const seed = periodSeed(rules.seed, period);
      return [
        {
          type: "SamplingSeedRevealed",
          data: { period, periodSeed: seed, periodSeedSha256: seedCommitment(seed), revealedOn: today },
        },
      ];
    },
  };
}
