import { RuleViolation } from "@gov/eventsourcing";
import { problemBody } from "@gov/service-kit";
import { describe, expect, it } from "vitest";
import { CalendarNotPublishedProblem, domainErrorMapper } from "./domain-errors.ts";

/** The shape of @gov/calendar's error (runtime matches it by name and does not import the calendar). */
class CalendarYearNotLoadedError extends Error {
  override readonly name = "CalendarYearNotLoadedError";
  readonly year: number;
  constructor(year: number) {
    super(`no working-day calendar published for ${year}`);
    this.year = year;
  }
}

describe("domainErrorMapper", () => {
  it("maps a missing working-day calendar to its own 409 problem type carrying the year", () => {
    const problem = domainErrorMapper(new CalendarYearNotLoadedError(2027));
    expect(problem).toBeInstanceOf(CalendarNotPublishedProblem);
    expect(problemBody(problem as CalendarNotPublishedProblem, "/intake/applications/A1/check")).toEqual({
      type: "https://gov-platform.example/problems/calendar-not-published",
      title: "Working-day calendar not published",
      status: 409,
      detail: "no working-day calendar published for 2027",
      instance: "/intake/applications/A1/check",
      year: 2027,
    });
  });

  it("leaves an unrelated error to the next mapper and keeps the other domain errors as they were", () => {
    expect(domainErrorMapper(new Error("no working-day calendar published for 2027"))).toBeUndefined();
    const named = Object.assign(new Error("x"), { name: "CalendarYearNotLoadedError" });
    expect(domainErrorMapper(named)).toBeUndefined(); // no year: not the calendar's error
    const rule = domainErrorMapper(new RuleViolation([{ field: "year", message: "bad" }]));
    expect(rule && problemBody(rule, "/")).toMatchObject({ type: "about:blank", status: 400 });
  });
});
