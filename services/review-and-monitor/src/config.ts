// The variables the review-and-monitor process reads: the runtime's, plus its own. Packaging and the deployment
// manifests read this shape (@gov/deploy); `configProblems` is what production refuses.
import type { ConfigProblem } from "@gov/runtime";
import { runtimeConfig } from "@gov/runtime";
import { z } from "zod";

/** The published default seed of the 告知承诺 sampling draw: for development and tests only. */
export const DEVELOPMENT_SAMPLING_SEED = "gov-review-and-monitor-promise-sampling";

export const environment = {
  ...runtimeConfig,
  /** Working days left at which a clock turns yellow (default 2). */
  REVIEW_YELLOW_DAYS: z.string().regex(/^\d+$/).optional(),
  /** The secret the 告知承诺 draw's monthly seeds derive from (never recorded: each month's seed is revealed after it). */
  REVIEW_SAMPLING_SEED: z.string().min(1).max(200).optional(),
};

/**
 * In production the sampling seed must be set and not the published one: with a known seed anyone could compute
 * in advance which promises will be verified.
 */
export function reviewConfigProblems(env: Record<string, string | undefined>): ConfigProblem[] {
  if ((env.NODE_ENV ?? "production") !== "production") return [];
  const seed = env.REVIEW_SAMPLING_SEED;
  if (seed === undefined || seed === "") {
    return [
      { variable: "REVIEW_SAMPLING_SEED", message: "required in production (e.g. openssl rand -hex 32)" },
    ];
  }
  if (seed === DEVELOPMENT_SAMPLING_SEED) {
    return [{ variable: "REVIEW_SAMPLING_SEED", message: "is the published development seed" }];
  }
  if (seed.length < 32) {
    return [{ variable: "REVIEW_SAMPLING_SEED", message: "is too short: at least 32 characters" }];
  }
  return [];
}
