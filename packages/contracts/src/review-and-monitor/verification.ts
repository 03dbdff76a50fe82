import { z } from "zod";
import { departmentRef, isoDate } from "../codes.ts";
import { freeText } from "../free-text.ts";
import { promiseVerification } from "../matters/elements.ts";
import { subjectRef } from "../subjects.ts";

/**
 * 告知承诺 post-verification (国办发〔2020〕42号 国务院办公厅关于全面推行证明事项告知承诺制的指导意见; 涉企经营许可: 国发〔2021〕7号):
 * every permit granted on a promise gets a task (`verification-<permitId>`, topic
 * `gov.review-and-monitor.verification.v1`) for the supervising department, following the matter's method and
 * sampling ratio. The draw is reproducible: `draw` = the first 32 bits of HMAC-SHA-256(seed, permitId) ÷ 2³², and
 * the task is sampled when `draw < samplingRatio`; seed and draw are in the event so an auditor can re-derive it.
 */
const permitId = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/);

const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * Commit-reveal of the draw (tasks opened since 2026-11-30, when it was introduced): the task's `seed` is
 * HMAC-SHA-256(periodSeed, permitId) in hex, so it tells nothing about any other permit's draw; `periodSeedSha256`
 * commits to the calendar month's seed, which is revealed only after the month ends (`SamplingSeedRevealed`). An
 * auditor then checks SHA-256(periodSeed) = periodSeedSha256 and re-derives every task's seed and draw of the month.
 */
export const samplingCommitment = z.object({
  scheme: z.literal("period-seed-hmac-sha256"),
  /** The calendar month (China time) the task was opened in, `YYYY-MM`. */
  period,
  periodSeedSha256: sha256Hex,
});

export const verificationSampling = z.object({
  algorithm: z.literal("hmac-sha256-32"),
  seed: z.string().min(1).max(200),
  /** In [0, 1). */
  draw: z.number().min(0).max(1),
  sampled: z.boolean(),
  /** Absent on tasks opened before commit-reveal: their seed is the configured one. */
  commitment: samplingCommitment.optional(),
});

/** A month's sampling seed, revealed once the month has ended (stream `sampling-<YYYY-MM>`). */
export const samplingSeedRevealed = z.object({
  period,
  /** Hex; SHA-256 of its UTF-8 bytes is the `periodSeedSha256` every task of the month committed to. */
  periodSeed: sha256Hex,
  periodSeedSha256: sha256Hex,
  revealedOn: isoDate,
});

export const promiseVerificationOpened = z.object({
  verificationId: permitId,
  permitId,
  caseId: z.string().min(1).max(80),
  matterId: z.string().min(1).max(64),
  matterVersion: z.number().int().min(1),
  /** The permit holder who promised. */
  subject: subjectRef,
  approvingDepartment: departmentRef,
  /** The department that verifies (监管主体). */
  department: departmentRef,
  method: promiseVerification.shape.method,
  samplingRatio: promiseVerification.shape.samplingRatio,
  /** Where method and ratio came from: the matter version, or the configured default. */
  rulesFrom: z.enum(["matter", "default"]),
  sampling: verificationSampling,
  openedOn: isoDate,
  /** Sampled tasks only: the date the verification is due. */
  dueOn: isoDate.optional(),
});

/** The outcome: the promise was true, or false (then `FalsePromiseFound` is published in the same write). */
export const promiseVerificationConcluded = z.object({
  verificationId: permitId,
  outcome: z.enum(["verified", "false"]),
  doneOn: isoDate,
  late: z.boolean(),
  note: freeText(2000).optional(),
  /** The finding published for a false promise. */
  findingId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});
