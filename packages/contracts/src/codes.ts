import { z } from "zod";

/** 行政区划 code: 6 digits (GB/T 2260). */
export const regionCode = z.string().regex(/^\d{6}$/, "a 6-digit 行政区划 code");

/** 统一社会信用代码 shape (18 characters over the GB 32100 alphabet); the checksum is checked by the services. */
export const creditCodeShape = z
  .string()
  .regex(
    /^[0-9A-HJ-NPQRTUWXY]{18}$/,
    "18 characters of 0-9 and A-Z without I, O, S, V, Z (统一社会信用代码)",
  );

/** ISO calendar date, YYYY-MM-DD. */
export const isoDate = z.iso.date();

/** ISO instant with offset. */
export const isoInstant = z.iso.datetime({ offset: true });

/** Who acted, as carried in event data where a payload needs it (the envelope's `actor` always has it). */
export const departmentRef = z.object({
  /** The department's 统一社会信用代码. */
  creditCode: creditCodeShape,
  name: z.string().min(1).max(200),
});
export type DepartmentRef = z.infer<typeof departmentRef>;
