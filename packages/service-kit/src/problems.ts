/**
 * Errors as RFC 9457 problem details (`application/problem+json`). Handlers throw these; errors from other
 * packages are mapped by name (the event store's ConcurrencyError → 409, InvalidEventError → 400, …).
 * A problem is `about:blank` (its HTTP status says it all) unless it has its own type: a URI under
 * `PROBLEM_TYPE_BASE`, e.g. `https://gov-platform.example/problems/calendar-not-published`.
 */

/** Where the platform's own problem types live (RFC 9457 §3.1.1: a URI that identifies the problem type). */
export const PROBLEM_TYPE_BASE = "https://gov-platform.example/problems/";

/** The type URI of one of the platform's problem types, e.g. `problemType("calendar-not-published")`. */
export const problemType = (slug: string): string => `${PROBLEM_TYPE_BASE}${slug}`;

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
  /** Extension members of a typed problem (RFC 9457 §3.2), e.g. `year`. */
  [extension: string]: unknown;
}

export class Problem extends Error {
  override readonly name: string = "Problem";
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  /** The problem type URI; `about:blank` when unset. */
  readonly type: string | undefined;
  /** Extension members added to the body (a typed problem's own fields). */
  readonly extensions: Record<string, unknown> | undefined;
  constructor(
    status: number,
    title: string,
    detail: string,
    errors?: FieldError[],
    typed?: { type: string; extensions?: Record<string, unknown> },
  ) {
    super(detail);
    this.status = status;
    this.title = title;
    this.errors = errors;
    this.type = typed?.type;
    this.extensions = typed?.extensions;
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

/**
 * The event store's history failed its hash-chain check (the kernel's `IntegrityError`): somebody altered,
 * removed or re-ordered a stored event. A 500 with its own type, so that clients and monitoring can tell it
 * from an ordinary bug; the kit logs it as an alert.
 */
export class IntegrityProblem extends Problem {
  override readonly name = "IntegrityProblem";
  constructor() {
    super(
      500,
      "Event store integrity failure",
      "the stored history of this record failed its integrity check (hash chain); nothing was changed and the operators are alerted — quote the x-request-id header",
      undefined,
      { type: problemType("integrity-failure") },
    );
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
    case "IntegrityError":
      return new IntegrityProblem();
    default:
      return undefined;
  }
};

export function problemBody(p: Problem, instance: string): ProblemBody {
  const body: ProblemBody = {
    ...p.extensions,
    type: p.type ?? "about:blank",
    title: p.title,
    status: p.status,
    detail: p.message,
    instance,
  };
  if (p.errors) body.errors = p.errors;
  return body;
}
