import { createHash, createHmac } from "node:crypto";

/**
 * The reproducible draw for 告知承诺 post-verification (国办发〔2020〕42号: verification by sampling): the first 32 bits
 * of HMAC-SHA-256(seed, permitId) ÷ 2³², a number in [0, 1). A permit is sampled when its draw is below the matter's
 * sampling ratio. The same seed and permit always give the same draw, so an auditor holding the event re-derives it.
 */
export const SAMPLING_ALGORITHM = "hmac-sha256-32" as const;
/** How a task's seed is derived from its month's seed (the commitment scheme recorded on the task). */
export const COMMITMENT_SCHEME = "period-seed-hmac-sha256" as const;

export function samplingDraw(seed: string, permitId: string): number {
  const digest = createHmac("sha256", seed).update(permitId, "utf8").digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** The calendar month of a business date (`YYYY-MM-DD` in China time): the period a task's seed belongs to. */
export const periodOf = (date: string): string => date.slice(0, 7);

/**
 * A month's seed, from the configured secret: HMAC-SHA-256(secret, "sampling-period:YYYY-MM") in hex. Revealing one
 * month's seed says nothing about another's, nor about the secret.
 */
export function periodSeed(secret: string, period: string): string {
  return createHmac("sha256", secret).update(`sampling-period:${period}`, "utf8").digest("hex");
}

/** What every task of the month commits to: SHA-256 of the month's seed (its hex text, UTF-8), in hex. */
export const seedCommitment = (periodSeedHex: string): string =>
  createHash("sha256").update(periodSeedHex, "utf8").digest("hex");

/** A task's own seed: HMAC-SHA-256(month's seed, permitId) in hex. It predicts no other permit's draw. */
export function taskSeed(periodSeedHex: string, permitId: string): string {
  return createHmac("sha256", periodSeedHex).update(permitId, "utf8").digest("hex");
}
