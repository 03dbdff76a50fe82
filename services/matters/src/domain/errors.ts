// The shared domain errors (400 / 409 / 403 / 404), re-exported for the matters domain.
export { NotFound, NotPermitted, RuleViolation, StateConflict } from "@gov/eventsourcing";
