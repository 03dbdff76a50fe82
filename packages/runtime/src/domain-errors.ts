import { NotFound, NotPermitted, RuleViolation, StateConflict } from "@gov/eventsourcing";
import {
  BadRequestProblem,
  ConflictProblem,
  type ErrorMapper,
  ForbiddenProblem,
  NotFoundProblem,
} from "@gov/service-kit";

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
  return undefined;
};
