import { mattersEventTypes } from "@gov/contracts";
import { describe, expect, it } from "vitest";
import { CalendarYearNotLoadedError } from "./calendar.ts";
import { nextYearMissing, PublishedCalendar } from "./published.ts";
import { calendarSeed, seedCalendar } from "./seed.ts";

const type = mattersEventTypes.CalendarYearPublished;
const notice = { title: "test notice (not the real 2027 notice)", number: "TEST〔2026〕1号" };
/** Test data, not the real 2027 arrangement. */
const v1 = { year: 2027, version: 1, holidays: ["2027-01-01"], makeUpWorkdays: [], notice };
const v2 = {
  ...v1,
  version: 2,
  supersedesVersion: 1,
  reason: "test correction",
  holidays: ["2027-01-01", "2027-01-04"],
};

describe("PublishedCalendar (read model of CalendarYearPublished)", () => {
  it("builds the current calendar from published events; other event types are ignored", () => {
    const model = new PublishedCalendar();
    expect(model.apply({ type: mattersEventTypes.MatterPublished, data: {} })).toBe(false);
    for (const s of calendarSeed) model.apply({ type, data: { ...s, version: 1 } });
    expect(model.current().loadedYears).toEqual([2025, 2026]);
    expect(() => model.current().isWorkingDay("2027-01-04")).toThrow(CalendarYearNotLoadedError);
    expect(model.apply({ type, data: v1, time: "2026-11-30T09:00:00+08:00" })).toBe(true);
    expect(model.current().isWorkingDay("2027-01-04")).toBe(true);
    expect(model.years().map((y) => `${y.year}.v${y.version}`)).toEqual(["2025.v1", "2026.v1", "2027.v1"]);
    expect(model.versions(2027)[0]?.publishedAt).toBe("2026-11-30T09:00:00+08:00");
  });

  it("the newest version of a year wins, in whatever order versions arrive; a repeat changes nothing", () => {
    const model = new PublishedCalendar();
    model.apply({ type, data: v2 });
    expect(model.apply({ type, data: v1 })).toBe(true);
    expect(model.apply({ type, data: v1 })).toBe(false);
    expect(model.current().isWorkingDay("2027-01-04")).toBe(false);
    expect(model.current().versionOf(2027)).toBe("2027.v2");
    expect(model.versions(2027).map((v) => v.version)).toEqual([1, 2]);
  });

  it("refuses data that breaks the contract", () => {
    expect(() =>
      new PublishedCalendar().apply({ type, data: { ...v1, holidays: ["2027-13-01"] } }),
    ).toThrow();
  });
});

describe("nextYearMissing", () => {
  const cal = seedCalendar();
  it("warns from the month-day on when next year has no published calendar", () => {
    expect(nextYearMissing(cal, "2026-10-31")).toBe(false);
    expect(nextYearMissing(cal, "2026-11-01")).toBe(true);
    expect(nextYearMissing(cal, "2026-11-29")).toBe(true);
    expect(nextYearMissing(cal, "2026-11-29", "12-01")).toBe(false);
    expect(nextYearMissing(cal, "2025-12-31")).toBe(false); // 2026 is published
  });

  it("stops warning once next year is published", () => {
    const model = new PublishedCalendar();
    model.apply({ type, data: { ...calendarSeed[1], version: 1 } });
    expect(nextYearMissing(model.current(), "2026-11-29")).toBe(true);
    model.apply({ type, data: v1 });
    expect(nextYearMissing(model.current(), "2026-11-29")).toBe(false);
  });

  it("rejects a malformed month-day", () => {
    expect(() => nextYearMissing(cal, "2026-11-29", "11/01")).toThrow(RangeError);
    expect(() => nextYearMissing(cal, "2026-11-29", "13-01")).toThrow(RangeError);
  });
});
