import {
  BadRequestProblem,
  ConflictProblem,
  type ErrorMapper,
  ForbiddenProblem,
  NotFoundProblem,
} from "@gov/service-kit";
import { NotFound, NotPermitted, RuleViolation, StateConflict } from "../domain/errors.ts";

/** The matters domain's errors as HTTP problems. */
export const mattersErrors: ErrorMapper = (error) => {
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
