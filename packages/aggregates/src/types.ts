import {
  approvalEventSchemas,
  approvalEventTypes,
  creditEventSchemas,
  creditEventTypes,
  exchangeEventSchemas,
  exchangeEventTypes,
  intakeEventSchemas,
  intakeEventTypes,
  reviewAndMonitorEventSchemas,
  reviewAndMonitorEventTypes,
} from "@gov/contracts";
import { type DomainEvent, EventTypes, type Upcasters } from "@gov/eventsourcing";
import type { CaseEvent } from "./approval/case.ts";
import type { PermitEvent } from "./approval/permit.ts";
import type { SubjectEvent } from "./credit/subject.ts";
import type { ReportEvent } from "./exchange/case-report.ts";
import type { ApplicationEvent } from "./intake/application.ts";

/*
 * Each aggregate's events on the wire: the contract's type names and schemas (checked before an append) and the
 * upcasters that read older versions. One definition, used by the owning service's command path and by the audit
 * service's reconstruction, so both read a stored event the same way.
 */

/** Approval's case (`case-<caseId>`). */
export const caseTypes = new EventTypes<CaseEvent>(approvalEventTypes, { schemas: approvalEventSchemas });
/** Approval's permit (`permit-<permitId>`). */
export const permitTypes = new EventTypes<PermitEvent>(approvalEventTypes, { schemas: approvalEventSchemas });

const { CaseNumberAllocated: _serialType, ...applicationEventTypes } = intakeEventTypes;
const { CaseNumberAllocated: _serialSchema, ...applicationEventSchemas } = intakeEventSchemas;
/** Intake's application (`application-<applicationId>`); the case-number serials are another stream. */
export const applicationTypes = new EventTypes<ApplicationEvent>(applicationEventTypes, {
  schemas: applicationEventSchemas,
});

/** Credit's subject (`subject-<subjectId>`). */
export const subjectTypes = new EventTypes<SubjectEvent>(creditEventTypes, { schemas: creditEventSchemas });

/**
 * Rows stored as `gov.exchange.casestep.reported.v1` (before 领证 was reported) read as v2. Every v1 row is a v2
 * row as it is: v2 only adds the `delivery` member to `details`. Stored events are never rewritten.
 */
export const reportUpcasters: Upcasters = {
  [exchangeEventTypes.CaseStepReportedV1]: (data) => ({ type: exchangeEventTypes.CaseStepReported, data }),
};

/** The exchange's case report rows (`casestep-<applicationId>`): written as v2 only, v1 read through the upcaster. */
export const reportTypes = new EventTypes<ReportEvent>(
  { CaseStepReported: exchangeEventTypes.CaseStepReported },
  { schemas: { CaseStepReported: exchangeEventSchemas.CaseStepReported }, upcasters: reportUpcasters },
);

/** Review-and-monitor's aggregates (rating, feedback, watch, finding, inspection, push, verification). */
export const reviewAndMonitorTypes = <E extends DomainEvent>() =>
  new EventTypes<E>(reviewAndMonitorEventTypes as never, { schemas: reviewAndMonitorEventSchemas as never });
