import { applicationTypes } from "@gov/aggregates";
import { commandHandler, type EventStore } from "@gov/eventsourcing";
import { applicationDecider, type WorkingDays } from "../domain/application/decide.ts";

/** The producer named on every event intake appends. */
export const SOURCE = "gov.intake";

// The application stream's events on the wire, one definition shared with the audit service (the case-serial
// streams have their own, see case-numbers.ts).
export { applicationTypes };

export const applicationStream = (applicationId: string) => `application-${applicationId}`;

/**
 * THE command path of an application: load its stream, decide, append (with the platform's one retry
 * policy, Idempotency-Key and If-Match from the context). Events carry the application id as `caseid`.
 */
export function applicationHandler(store: EventStore, calendar: WorkingDays) {
  return commandHandler({
    store,
    decider: applicationDecider(calendar),
    types: applicationTypes,
    source: SOURCE,
    stream: applicationStream,
  });
}

export type ApplicationHandler = ReturnType<typeof applicationHandler>;
export type ApplicationResult = Awaited<ReturnType<ApplicationHandler["handle"]>>;
