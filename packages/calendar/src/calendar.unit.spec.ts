import { describe, expect, it } from "vitest";
import { type CalendarYear, CalendarYearNotLoadedError, chinaDate, WorkingDayCalendar } from "./calendar.ts";
import { seedCalendar } from "./seed.ts";

const cal = seedCalendar();
const notice = { title: "test notice (not an official arrangement)", number: "TEST-1" };
/** Test data for 2027, not the real 2027 notice: only New Year's Day off. */
const test2027: CalendarYear = {
  year: 2027,
  version: 2,
  notice,
  holidays: ["2027-01-01"],
  makeUpWorkdays: [],
};

describe("working-day calendar (国务院办公厅关于2026年部分节假日安排的通知)", () => {
  it("knows the 2026 National Day holiday 10/1–7 and the make-up working day 10/10 (a Saturday)", () => {
    for (let d = 1; d <= 7; d++) expect(cal.isWorkingDay(`2026-10-0${d}`)).toBe(false);
    expect(cal.isWorkingDay("2026-10-10")).toBe(true);
    expect(cal.isWorkingDay("2026-10-11")).toBe(false); // an ordinary Sunday
    expect(cal.isWorkingDay("2026-10-09")).toBe(true);
  });

  it("knows the 2026 Spring Festival 2/15–23 with make-up days 2/14 and 2/28", () => {
    expect(cal.isWorkingDay("2026-02-14")).toBe(true);
    expect(cal.isWorkingDay("2026-02-16")).toBe(false);
    expect(cal.isWorkingDay("2026-02-23")).toBe(false);
    expect(cal.isWorkingDay("2026-02-24")).toBe(true);
    expect(cal.isWorkingDay("2026-02-28")).toBe(true);
  });

  it("counts from the day after the start (行政许可法 第四十二条): 1 working day after Friday 2026-09-18 is Sunday 9/20 (调休)", () => {
    expect(cal.addWorkingDays("2026-09-18", 1)).toBe("2026-09-20");
  });

  it("skips the National Day week: 5 working days from 2026-09-29 end on 2026-10-12", () => {
    // 9/30 (1), 10/8 (2), 10/9 (3), 10/10 make-up (4), 10/12 (5)
    expect(cal.addWorkingDays("2026-09-29", 5)).toBe("2026-10-12");
  });

  it("20 working days (行政许可法 第四十二条) from an acceptance on 2026-04-01 end on 2026-04-30", () => {
    // April 2026: 4/4–6 off; working days from 4/2: 2,3,7,8,9,10,13,...,30 = 20 on 4/30
    expect(cal.addWorkingDays("2026-04-01", 20)).toBe("2026-04-30");
  });

  it("0 working days is the same day (即办件)", () => {
    expect(cal.addWorkingDays("2026-05-01", 0)).toBe("2026-05-01");
  });

  it("counts working days between two dates, excluding the start", () => {
    expect(cal.workingDaysBetween("2026-09-29", "2026-10-12")).toBe(5);
    expect(cal.workingDaysBetween("2026-10-12", "2026-09-29")).toBe(-5);
    expect(cal.workingDaysBetween("2026-10-01", "2026-10-07")).toBe(0);
  });

  it("refuses a year with no published calendar instead of treating every weekday as working", () => {
    expect(() => cal.isWorkingDay("2027-01-04")).toThrow(CalendarYearNotLoadedError);
    let error: unknown;
    try {
      cal.addWorkingDays("2026-12-30", 5);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CalendarYearNotLoadedError);
    expect((error as CalendarYearNotLoadedError).year).toBe(2027);
    expect((error as Error).message).toBe("no working-day calendar published for 2027");
  });

  it("accepts a later year's published version as data", () => {
    const extended = cal.withYears([test2027]);
    expect(extended.isWorkingDay("2027-01-01")).toBe(false);
    expect(extended.addWorkingDays("2026-12-31", 1)).toBe("2027-01-04");
    expect(extended.loadedYears).toEqual([2025, 2026, 2027]);
    expect(extended.year(2027)?.notice).toEqual(notice);
    expect(cal.loadedYears).toEqual([2025, 2026]); // the original is unchanged
  });

  it("says which calendar versions a computation used", () => {
    const extended = cal.withYears([test2027]);
    expect(cal.versionOf(2026)).toBe("2026.v1");
    expect(extended.versionsUsed("2026-03-01", "2026-04-30")).toBe("2026.v1");
    expect(extended.versionsUsed("2026-12-30", "2027-01-05")).toBe("2026.v1+2027.v2");
    expect(extended.addWorkingDaysWithVersion("2026-04-01", 20)).toEqual({
      date: "2026-04-30",
      calendarVersion: "2026.v1",
    });
    // 12/31 (1), 1/4 (2): counting starts the day after the start, so 2026 and 2027 were both consulted
    expect(extended.addWorkingDaysWithVersion("2026-12-30", 2)).toEqual({
      date: "2027-01-04",
      calendarVersion: "2026.v1+2027.v2",
    });
    // from the last day of a year, only the next year's days are counted
    expect(extended.addWorkingDaysWithVersion("2026-12-31", 1).calendarVersion).toBe("2027.v2");
    expect(extended.addWorkingDaysWithVersion("2026-05-01", 0)).toEqual({
      date: "2026-05-01",
      calendarVersion: "2026.v1",
    });
    expect(() => cal.versionsUsed("2026-12-30", "2027-01-05")).toThrow(CalendarYearNotLoadedError);
  });

  it("rejects malformed dates", () => {
    expect(() => cal.isWorkingDay("2026-02-30")).toThrow(RangeError);
    expect(() => cal.addWorkingDays("20260101", 1)).toThrow(RangeError);
    expect(() => new WorkingDayCalendar([]).addWorkingDays("2026-01-01", -1)).toThrow(RangeError);
  });

  it("takes the calendar date in China time (UTC+8)", () => {
    expect(chinaDate("2026-09-30T16:30:00Z")).toBe("2026-10-01");
    expect(chinaDate("2026-09-30T15:59:59Z")).toBe("2026-09-30");
  });
});
