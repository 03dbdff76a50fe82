import { intakeEventSchemas, intakeEventTypes } from "@gov/contracts";
import { commandHandler, type EventStore, EventTypes } from "@gov/eventsourcing";
import type { ApplicationEvent } from "../domain/application/application.ts";
import { applicationDecider, type WorkingDays } from "../domain/application/decide.ts";

/** The producer named on every event intake appends. */
export const SOURCE = "gov.intake";

// The application stream's events (the case-serial streams have their own, see case-numbers.ts).
const { CaseNumberAllocated: _serialType, ...applicationEventTypes } = intakeEventTypes;
const { CaseNumberAllocated: _serialSchema, ...applicationEventSchemas } = intakeEventSchemas;

/** The application events on the wire, each checked against the contract before it is appended. */
export const applicationTypes = new EventTypes<ApplicationEvent>(applicationEventTypes, {
  schemas: applicationEventSchemas,
});

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
