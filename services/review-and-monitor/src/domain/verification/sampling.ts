import { createHmac } from "node:crypto";

/**
 * The reproducible draw for 告知承诺 post-verification: the first 32 bits of HMAC-SHA-256(seed, permitId) ÷ 2³², a
 * number in [0, 1). A permit is sampled when its draw is below the matter's sampling ratio. The same seed and
 * permit always give the same draw, so an auditor holding the event re-derives it.
 */
export const SAMPLING_ALGORITHM = "hmac-sha256-32" as const;

export function samplingDraw(seed: string, permitId: string): number {
  const digest = createHmac("sha256", seed).update(permitId, "utf8").digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}
