import { approvalEventSchemas, approvalEventTypes } from "@gov/contracts";
import { EventTypes } from "@gov/eventsourcing";
import type { CaseEvent } from "../domain/case/case.ts";
import type { PermitEvent } from "../domain/permit/permit.ts";

export const SOURCE = "gov.approval";
/** The case's events on the wire, each checked against the approval contract before it is appended. */
export const caseTypes = new EventTypes<CaseEvent>(approvalEventTypes, { schemas: approvalEventSchemas });
export const permitTypes = new EventTypes<PermitEvent>(approvalEventTypes, { schemas: approvalEventSchemas });
export const caseStream = (caseId: string) => `case-${caseId}`;
export const permitStream = (permitId: string) => `permit-${permitId}`;
/** The permit a case's 准予 grants. */
export const permitIdOf = (caseId: string) => `PMT-${caseId}`;
