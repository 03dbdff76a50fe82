/**
 * The errors a decider or use case throws, shared by every service; `domainErrorMapper` (@gov/runtime) turns
 * them into problem+json statuses.
 */

export interface FieldProblem {
  field: string;
  message: string;
}

/** The command's content breaks a rule (→ 400 with every field at fault). */
export class RuleViolation extends Error {
  override readonly name = "RuleViolation";
  readonly problems: FieldProblem[];
  constructor(problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join("; "));
    this.problems = problems;
  }
}

/** The command does not fit the aggregate's current state (→ 409). */
export class StateConflict extends Error {
  override readonly name = "StateConflict";
}

/** The actor may not do this to this aggregate, e.g. another department confirming a transfer (→ 403). */
export class NotPermitted extends Error {
  override readonly name = "NotPermitted";
}

/** The aggregate does not exist (→ 404). */
export class NotFound extends Error {
  override readonly name = "NotFound";
}
