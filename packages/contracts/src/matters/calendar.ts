import { z } from "zod";
import { isoDate } from "../codes.ts";
import { topics } from "../topics.ts";

/**
 * The working-day calendar, published by the matters service as data: one stream per year in the category
 * `calendar` (id `calendar-<year>`, e.g. `calendar-2027`), Kafka topic `gov.matters.calendar.v1`. Each event is
 * one complete, numbered version of a year's arrangement from the State Council's annual notice
 * (国务院办公厅关于YYYY年部分节假日安排的通知); a correction is the next version, with its reason.
 */

/** The topic every `calendar-<year>` stream travels on (`gov.<service>.<category>.v1`). */
export const calendarTopic = topics.matters.calendar;

/** The stream of one year's calendar. */
export const calendarStreamId = (year: number): string => `calendar-${year}`;

export const calendarYear = z.number().int().min(2000).max(2100);

/** The official notice the arrangement comes from. */
export const calendarNotice = z.object({
  /** The notice's title, e.g. 国务院办公厅关于2026年部分节假日安排的通知. */
  title: z.string().trim().min(1).max(200),
  /** Its document number (文号), e.g. 国办发明电〔2024〕12号. */
  number: z.string().trim().min(1).max(100),
  /** The date the notice was issued. */
  publishedOn: isoDate.optional(),
  /** Where the notice can be read. */
  url: z.url().max(2000).optional(),
});
export type CalendarNotice = z.infer<typeof calendarNotice>;

/** One version of a year's official arrangement: the days off and the weekend days that are worked. */
export const calendarYearPublished = z
  .object({
    year: calendarYear,
    /** 1 for the first publication of the year, n+1 for each correction. */
    version: z.number().int().min(1),
    /** Days off (法定节假日 and 调休 days off), ISO dates within `year`, ascending. */
    holidays: z.array(isoDate),
    /** Saturdays and Sundays that are working days (调休上班), ISO dates within `year`, ascending. */
    makeUpWorkdays: z.array(isoDate),
    notice: calendarNotice,
    /** The version this one corrects (a correction only). */
    supersedesVersion: z.number().int().min(1).optional(),
    /** Why the published version was corrected (required for a correction). */
    reason: z.string().trim().min(1).max(1000).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.version > 1 && d.supersedesVersion !== d.version - 1)
      ctx.addIssue({
        code: "custom",
        path: ["supersedesVersion"],
        message: "a correction names the version before",
      });
    if (d.version > 1 && !d.reason)
      ctx.addIssue({ code: "custom", path: ["reason"], message: "a correction says why" });
  });
export type CalendarYearPublished = z.infer<typeof calendarYearPublished>;
