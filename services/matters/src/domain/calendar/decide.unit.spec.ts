import { RuleViolation } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, expect, it } from "vitest";
import {
  type CalendarCommand,
  type CalendarEvent,
  evolveCalendar,
  initialCalendarState,
} from "./calendar.ts";
import { decideCalendar } from "./decide.ts";

const metadata = { now: "2026-11-30T09:00:00+08:00", actor: { id: "admin-1", role: "admin" as const } };
const spec = deciderSpec(
  { initialState: initialCalendarState, evolve: evolveCalendar, decide: decideCalendar },
  { metadata },
);
const notice = { title: "测试通知（测试数据，非真实的2027年通知）", number: "TEST〔2026〕1号" };

/** Test data for 2027 (plausible, not the real 2027 notice): 1/1–3 off, Saturday 2/20 worked. */
const arrangement = {
  year: 2027,
  holidays: ["2027-01-01", "2027-01-02", "2027-01-03"],
  makeUpWorkdays: ["2027-02-20"],
  notice,
};
const publish = (data: Partial<CalendarCommand["data"]> = {}): CalendarCommand => ({
  type: "PublishCalendarYear",
  data: { ...arrangement, ...data },
  metadata,
});
const v1: CalendarEvent = { type: "CalendarYearPublished", data: { ...arrangement, version: 1 } };

const violations = (command: CalendarCommand, given: CalendarEvent[] = []) => {
  try {
    spec
      .given(...given)
      .when(command)
      .events();
  } catch (error) {
    if (error instanceof RuleViolation) return error.problems.map((p) => p.field);
    throw error;
  }
  return [];
};

describe("calendar decider: PublishCalendarYear", () => {
  it("publishes a year's first arrangement as version 1, dates ascending", () => {
    spec
      .given()
      .when(publish({ holidays: ["2027-01-03", "2027-01-01", "2027-01-02"] }))
      .then(v1);
  });

  it("republishing the same content produces no event, whatever the order of the dates or a reason", () => {
    spec
      .given(v1)
      .when(publish({ holidays: ["2027-01-02", "2027-01-03", "2027-01-01"], reason: "again" }))
      .thenNothingHappened();
  });

  it("a different content is a correction: the next version, naming the version it supersedes and why", () => {
    const corrected = ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"];
    spec
      .given(v1)
      .when(publish({ holidays: corrected, reason: "  1/4 was left out  " }))
      .then({
        type: "CalendarYearPublished",
        data: {
          ...arrangement,
          holidays: corrected,
          version: 2,
          supersedesVersion: 1,
          reason: "1/4 was left out",
        },
      });
    const v2 = spec
      .given(v1)
      .when(publish({ holidays: corrected, reason: "x" }))
      .events();
    const v3 = spec
      .given(v1, ...v2)
      .when(publish({ notice: { ...notice, publishedOn: "2026-11-05" }, reason: "y" }))
      .events();
    expect(v3[0]?.data).toMatchObject({ version: 3, supersedesVersion: 2, holidays: arrangement.holidays });
  });

  it("refuses a correction without a reason", () => {
    expect(violations(publish({ makeUpWorkdays: [] }), [v1])).toEqual(["reason"]);
    expect(violations(publish({ makeUpWorkdays: [], reason: "  " }), [v1])).toEqual(["reason"]);
  });

  it("refuses dates outside the year and invalid dates, naming each", () => {
    expect(violations(publish({ holidays: ["2026-12-31", "2027-02-30", "20270101", "2027-01-01"] }))).toEqual(
      ["holidays[0]", "holidays[1]", "holidays[2]"],
    );
    expect(violations(publish({ makeUpWorkdays: ["2028-01-01"] }))).toEqual(["makeUpWorkdays[0]"]);
  });

  it("refuses a date that is both a holiday and a make-up working day", () => {
    expect(violations(publish({ makeUpWorkdays: ["2027-02-20", "2027-01-02"] }))).toEqual([
      "makeUpWorkdays[1]",
    ]);
  });

  it("refuses a make-up working day that is not a Saturday or Sunday", () => {
    // 2027-02-19 is a Friday
    expect(violations(publish({ makeUpWorkdays: ["2027-02-19"] }))).toEqual(["makeUpWorkdays[0]"]);
  });

  it("refuses a date listed twice", () => {
    expect(violations(publish({ holidays: ["2027-01-01", "2027-01-01"] }))).toEqual(["holidays[1]"]);
  });

  it("refuses an empty notice title or document number, and reports every field at once", () => {
    expect(violations(publish({ notice: { title: " ", number: "" } }))).toEqual([
      "notice.title",
      "notice.number",
    ]);
    expect(
      violations(publish({ year: 1999, holidays: ["2027-01-01"], notice: { title: "", number: "x" } })),
    ).toEqual(["year", "holidays[0]", "makeUpWorkdays[0]", "notice.title"]);
    spec
      .given()
      .when(publish({ notice: { title: "", number: "" } }))
      .thenThrows(RuleViolation);
  });
});
