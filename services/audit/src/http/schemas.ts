import { z } from "zod";

/** A case key: an application id, a 办件编号, a certificate number or a credit subject id. */
export const caseParams = z.object({ id: z.string().trim().min(1).max(200) });

/** Why the auditor reads (required, recorded with the read: 个人信息保护法 第五十一条). */
const reason = z.string().trim().min(1).max(500);
const instant = z.iso.datetime({ offset: true }).describe("an ISO 8601 instant, e.g. 2026-03-02T08:00:00Z");

export const timelineQuery = z.object({ reason });
export const atQuery = z.object({ reason, t: instant });
export const diffQuery = z
  .object({ reason, from: instant, to: instant })
  .refine((q) => Date.parse(q.from) <= Date.parse(q.to), {
    path: ["to"],
    message: "must not be before from",
  });
export const exportQuery = z.object({ reason, format: z.enum(["json", "csv", "html"]).default("json") });

export const accessQuery = z.object({
  case: z.string().trim().min(1).max(200).optional(),
  auditor: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z.coerce.number().int().min(-1).default(-1),
});

export const inclusionQuery = z.object({
  event: z.string().trim().min(1).max(100),
  /** The checkpoint's tree size (default: the latest checkpoint). */
  size: z.coerce.number().int().min(1).optional(),
});

export const consistencyQuery = z
  .object({ from: z.coerce.number().int().min(0), to: z.coerce.number().int().min(0) })
  .refine((q) => q.from <= q.to, { path: ["to"], message: "must not be below from" });
