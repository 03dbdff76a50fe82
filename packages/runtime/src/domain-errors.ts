import { NotFound, NotPermitted, RuleViolation, StateConflict } from "@gov/eventsourcing";
import {
  BadRequestProblem,
  ConflictProblem,
  type ErrorMapper,
  ForbiddenProblem,
  NotFoundProblem,
  Problem,
  problemType,
} from "@gov/service-kit";

/**
 * A command needed working days of a year that has no published working-day calendar (@gov/calendar's
 * CalendarYearNotLoadedError): 409 with its own problem type, so that clients can tell it from other
 * conflicts and say which year an administrator must publish.
 */
export class CalendarNotPublishedProblem extends Problem {
  override readonly name = "CalendarNotPublishedProblem";
  constructor(year: number, detail = `no working-day calendar published for ${year}`) {
    super(409, "Working-day calendar not published", detail, undefined, {
      type: problemType("calendar-not-published"),
      extensions: { year },
    });
  }
}

/** Every service's domain errors as HTTP problems: 400 naming each field (in the body), 409, 403, 404. */
export const domainErrorMapper: ErrorMapper = (error) => {
  if (error instanceof RuleViolation)
    return new BadRequestProblem(
      error.message,
      error.problems.map((p) => ({ field: `body.${p.field}`, message: p.message })),
    );
  if (error instanceof StateConflict) return new ConflictProblem(error.message);
  if (error instanceof NotPermitted) return new ForbiddenProblem(error.message);
  if (error instanceof NotFound) return new NotFoundProblem(error.message);
  // Matched by name, as the kit matches the event store's errors, so that runtime needs no calendar code.
  if (error.name === "CalendarYearNotLoadedError") {
    const year = (error as Error & { year?: unknown }).year;
    if (typeof year === "number") return new CalendarNotPublishedProblem(year, error.message);
  }
  return undefined;
};
