import { CalendarYearNotLoadedError, seedCalendar } from "@gov/calendar";
import { describe, expect, it } from "vitest";
import type { CaseEvent } from "./case.ts";
import { evolveCase, initialCaseState } from "./case.ts";
import { stepClockAt, type WorkingDays } from "./clock.ts";
import { opened } from "./fixtures.ts";

const calendar = seedCalendar();
const file = (events: CaseEvent[]) => {
  const s = events.reduce(evolveCase, initialCaseState());
  if (s.status === "none") throw new Error("no case");
  return s;
};

// The fixture case: accepted 2026-02-12 with 承办 (2 working days), 审核 (2), 批准 (1). The 2026 Spring Festival
// (国务院办公厅关于2026年部分节假日安排的通知, 国办发明电〔2025〕7号): 2026-02-15…23 off, Saturdays 02-14 and 02-28
// make-up working days.
describe("a step's own clock in the inbox (行政许可法 第四十二条: working days, counted from the day after)", () => {
  it("is overdue only once more working days than its limit have passed, across the Spring Festival and its make-up day", () => {
    const c = file([opened()]);
    const step = c.steps[0] as (typeof c.steps)[number];
    // 02-13 and the make-up Saturday 02-14 are its 2 working days: due 02-14, not overdue through the holiday.
    expect(stepClockAt(calendar, c, step, "2026-02-14")).toEqual({
      limitDays: 2,
      openedOn: "2026-02-12",
      usedDays: 2,
      dueOn: "2026-02-14",
      overdue: false,
    });
    expect(stepClockAt(calendar, c, step, "2026-02-23")).toMatchObject({ usedDays: 2, overdue: false });
    // The first working day after the holiday is the third: overdue (a weekday count would have said so on 02-17).
    expect(stepClockAt(calendar, c, step, "2026-02-24")).toMatchObject({ usedDays: 3, overdue: true });
  });

  it("counts from the day the step was reached, and excludes a special procedure's working days (第四十五条)", () => {
    const completed: CaseEvent = {
      type: "StepCompleted",
      data: {
        caseId: "APP-1",
        stepIndex: 0,
        stepName: "承办",
        officerId: "officer-1",
        opinion: "同意",
        recommendation: "approve",
        completedAt: "2026-02-24T10:00:00+08:00",
      },
    };
    const started: CaseEvent = {
      type: "SpecialProcedureStarted",
      data: {
        caseId: "APP-1",
        procedureId: "P1",
        procedure: "inspection",
        name: "检验",
        startedOn: "2026-02-25",
        expectedEndOn: "2026-02-26",
        legalBasis: "《中华人民共和国行政许可法》第四十五条",
        notice: "检验所需时间不计入审批期限。",
        officerId: "officer-1",
        startedAt: "2026-02-25T10:00:00+08:00",
      },
    };
    const c = file([opened(), completed, started]);
    const step = c.steps[1] as (typeof c.steps)[number];
    expect(step.openedOn).toBe("2026-02-24");
    // 02-25…27 are working days, all inside the ongoing procedure: none used, the due date pushed by those 3 (2 + 3
    // working days after 02-24: 25, 26, 27, the make-up Saturday 28, then Monday 03-02).
    expect(stepClockAt(calendar, c, step, "2026-02-27")).toMatchObject({
      usedDays: 0,
      dueOn: "2026-03-02",
      overdue: false,
    });
  });

  it("a year with no published calendar is a problem on the step, not a weekday count", () => {
    const c = file([opened()]);
    const missing: WorkingDays = {
      ...calendar,
      addWorkingDays: () => {
        throw new CalendarYearNotLoadedError(2027);
      },
      workingDaysBetween: () => {
        throw new CalendarYearNotLoadedError(2027);
      },
      isWorkingDay: (d) => calendar.isWorkingDay(d),
      versionsUsed: (a, b) => calendar.versionsUsed(a, b),
    };
    expect(stepClockAt(missing, c, c.steps[0] as (typeof c.steps)[number], "2027-01-05")).toMatchObject({
      overdue: false,
      problem: expect.stringContaining("2027"),
    });
  });
});
