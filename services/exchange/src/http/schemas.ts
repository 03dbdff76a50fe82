import { isoDate } from "@gov/contracts";
import { z } from "zod";

/** The longest range one export covers: a month of days (ask again for the next month). */
export const MAX_RANGE_DAYS = 31;

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/**
 * `GET /exchange/case-steps`: the reports made from `from` to `to` (China time, both inclusive; `to` defaults to
 * `from`, one day), as JSON Lines or CSV, in pages of `limit` (`after`: the `next-cursor` of the previous page).
 */
export const caseStepsQuery = z
  .object({
    from: isoDate,
    to: isoDate.optional(),
    format: z.enum(["jsonl", "csv"]).default("jsonl"),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
    after: z
      .string()
      .regex(/^[1-9]\d{0,15}$/, "the next-cursor of the previous page")
      .optional(),
  })
  .superRefine((q, ctx) => {
    if (q.to === undefined) return;
    const span = dayNumber(q.to) - dayNumber(q.from);
    if (span < 0) ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
    else if (span >= MAX_RANGE_DAYS)
      ctx.addIssue({ code: "custom", path: ["to"], message: `at most ${MAX_RANGE_DAYS} days from from` });
  });
