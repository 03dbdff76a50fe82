import { describe, expect, it } from "vitest";
import { catalogEntries } from "../catalog.ts";
import { calendarStreamId, calendarTopic, calendarYearPublished } from "./calendar.ts";

const v1 = {
  year: 2026,
  version: 1,
  holidays: ["2026-01-01"],
  makeUpWorkdays: ["2026-01-04"],
  notice: { title: "国务院办公厅关于2026年部分节假日安排的通知", number: "国办发明电〔2025〕7号" },
};

describe("CalendarYearPublished contract", () => {
  it("travels on gov.matters.calendar.v1, the topic of the calendar-<year> streams", () => {
    expect(calendarStreamId(2027)).toBe("calendar-2027");
    expect(catalogEntries().find((e) => e.name === "CalendarYearPublished")).toMatchObject({
      service: "matters",
      type: "gov.matters.calendar.year-published.v1",
      topic: calendarTopic,
    });
    expect(calendarTopic).toBe("gov.matters.calendar.v1");
  });

  it("accepts a first version and a correction that names the version before and its reason", () => {
    expect(calendarYearPublished.safeParse(v1).success).toBe(true);
    const correction = { ...v1, version: 2, supersedesVersion: 1, reason: "typo in 1/4" };
    expect(calendarYearPublished.safeParse(correction).success).toBe(true);
  });

  it("refuses a correction without a reason or without the version it supersedes, and bad dates", () => {
    const paths = (data: unknown) =>
      calendarYearPublished.safeParse(data).error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths({ ...v1, version: 2 })).toEqual(["supersedesVersion", "reason"]);
    expect(paths({ ...v1, holidays: ["2026-02-30"] })).toEqual(["holidays.0"]);
    expect(paths({ ...v1, notice: { title: " ", number: "x" } })).toEqual(["notice.title"]);
  });
});
