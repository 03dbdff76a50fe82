/**
 * Errors as RFC 9457 problem details (`application/problem+json`). Handlers throw these; errors from other
 * packages are mapped by name (the event store's ConcurrencyError → 409, InvalidEventError → 400, …).
 */
export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

export class Problem extends Error {
  override readonly name: string = "Problem";
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  constructor(status: number, title: string, detail: string, errors?: FieldError[]) {
    super(detail);
    this.status = status;
    this.title = title;
    this.errors = errors;
  }
}

export class BadRequestProblem extends Problem {
  constructor(detail: string, errors?: FieldError[]) {
    super(400, "Bad Request", detail, errors);
  }
}
export class UnauthorizedProblem extends Problem {
  constructor(detail = "a valid bearer token is required") {
    super(401, "Unauthorized", detail);
  }
}
export class ForbiddenProblem extends Problem {
  constructor(detail = "your role may not do this") {
    super(403, "Forbidden", detail);
  }
}
export class NotFoundProblem extends Problem {
  constructor(detail = "not found") {
    super(404, "Not Found", detail);
  }
}
export class ConflictProblem extends Problem {
  constructor(detail: string) {
    super(409, "Conflict", detail);
  }
}

/** Turns another package's error into a problem, or leaves it (undefined) for the next mapper. */
export type ErrorMapper = (error: Error) => Problem | undefined;

/** The event store's errors (packages/eventsourcing/src/errors.ts), matched by name to keep the kit independent. */
export const eventStoreErrors: ErrorMapper = (error) => {
  switch (error.name) {
    case "ConcurrencyError":
      return new ConflictProblem(`${error.message}; reload and try again`);
    case "IdempotencyConflictError":
      return new ConflictProblem(error.message);
    case "InvalidEventError": {
      const field = (error as Error & { field?: string }).field ?? "body";
      return new BadRequestProblem(error.message, [{ field, message: error.message }]);
    }
    case "StreamDeletedError":
      return new Problem(410, "Gone", error.message);
    default:
      return undefined;
  }
};

export function problemBody(p: Problem, instance: string): ProblemBody {
  const body: ProblemBody = {
    type: "about:blank",
    title: p.title,
    status: p.status,
    detail: p.message,
    instance,
  };
  if (p.errors) body.errors = p.errors;
  return body;
}
