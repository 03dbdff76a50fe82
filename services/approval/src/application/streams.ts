export const SOURCE = "gov.approval";
/** The case's and the permit's events on the wire (one definition, shared with the audit service). */
export { caseTypes, permitTypes } from "@gov/aggregates";
export const caseStream = (caseId: string) => `case-${caseId}`;
export const permitStream = (permitId: string) => `permit-${permitId}`;
/** The permit a case's 准予 grants. */
export const permitIdOf = (caseId: string) => `PMT-${caseId}`;
