import { intakeEventTypes } from "@gov/contracts";
import { EventTypes } from "@gov/eventsourcing";
import type { ApplicationEvent } from "../domain/application.ts";

export const SOURCE = "gov.intake";
const { CaseNumberAllocated: _serials, ...applicationEventTypes } = intakeEventTypes;
/** The application stream's events (the case-serial streams have their own). */
export const applicationTypes = new EventTypes<ApplicationEvent>(applicationEventTypes);
export const applicationStream = (applicationId: string) => `application-${applicationId}`;
