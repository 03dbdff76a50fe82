import { createRequire } from "node:module";
import { calendarYearPublished } from "@gov/contracts";
import { describe, expect, it } from "vitest";
import { weekdayOf } from "./calendar.ts";
import { calendarSeed, seedCalendar } from "./seed.ts";

const year = (y: number) => calendarSeed.find((s) => s.year === y);
const range = (from: string, to: string) => {
  const days: string[] = [];
  for (
    let d = new Date(`${from}T00:00:00Z`);
    d.toISOString().slice(0, 10) <= to;
    d.setUTCDate(d.getUTCDate() + 1)
  )
    days.push(d.toISOString().slice(0, 10));
  return days;
};

describe("the shipped calendar seed", () => {
  it("2026 is the arrangement of 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号)", () => {
    const y2026 = year(2026);
    expect(y2026?.notice).toMatchObject({
      title: "国务院办公厅关于2026年部分节假日安排的通知",
      number: "国办发明电〔2025〕7号",
    });
    // 元旦 1/1–3, 春节 2/15–23, 清明 4/4–6, 劳动节 5/1–5, 端午 6/19–21, 中秋 9/25–27, 国庆 10/1–7
    const off = [
      ...range("2026-01-01", "2026-01-03"),
      ...range("2026-02-15", "2026-02-23"),
      ...range("2026-04-04", "2026-04-06"),
      ...range("2026-05-01", "2026-05-05"),
      ...range("2026-06-19", "2026-06-21"),
      ...range("2026-09-25", "2026-09-27"),
      ...range("2026-10-01", "2026-10-07"),
    ];
    expect(y2026?.holidays).toEqual(off);
    expect(y2026?.makeUpWorkdays).toEqual([
      "2026-01-04",
      "2026-02-14",
      "2026-02-28",
      "2026-05-09",
      "2026-09-20",
      "2026-10-10",
    ]);
  });

  it("2025 is the arrangement of 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号)", () => {
    const y2025 = year(2025);
    expect(y2025?.notice).toMatchObject({
      title: "国务院办公厅关于2025年部分节假日安排的通知",
      number: "国办发明电〔2024〕12号",
    });
    expect(y2025?.holidays).toEqual([
      "2025-01-01",
      ...range("2025-01-28", "2025-02-04"),
      ...range("2025-04-04", "2025-04-06"),
      ...range("2025-05-01", "2025-05-05"),
      ...range("2025-05-31", "2025-06-02"),
      ...range("2025-10-01", "2025-10-08"),
    ]);
    expect(y2025?.makeUpWorkdays).toEqual([
      "2025-01-26",
      "2025-02-08",
      "2025-04-27",
      "2025-09-28",
      "2025-10-11",
    ]);
  });

  it("holds exactly 2025 and 2026, each a valid CalendarYearPublished v1 with make-up days on weekends only", () => {
    expect(calendarSeed.map((s) => s.year)).toEqual([2025, 2026]);
    for (const s of calendarSeed) {
      expect(calendarYearPublished.safeParse({ ...s, version: 1 }).success).toBe(true);
      for (const d of s.makeUpWorkdays) expect([0, 6], d).toContain(weekdayOf(d));
    }
    expect(seedCalendar().versionsUsed("2025-12-01", "2026-01-10")).toBe("2025.v1+2026.v1");
  });

  it("matches the data of the chinese-days package it was built from", () => {
    const data = createRequire(import.meta.url)("chinese-days/dist/chinese-days.json") as {
      holidays: Record<string, string>;
      workdays: Record<string, string>;
    };
    for (const s of calendarSeed) {
      const prefix = `${s.year}-`;
      expect(s.holidays).toEqual(
        Object.keys(data.holidays)
          .filter((d) => d.startsWith(prefix))
          .sort(),
      );
      expect(s.makeUpWorkdays).toEqual(
        Object.keys(data.workdays)
          .filter((d) => d.startsWith(prefix))
          .sort(),
      );
    }
  });
});
