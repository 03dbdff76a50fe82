/**
 * The Kafka topics integrators and consumers subscribe to: one per service and stream category,
 * `gov.<service>.<category>.v1` (the relay derives the same name from each event's source and stream).
 * Consumers name topics through these constants, never as strings.
 */
export const topics = {
  matters: {
    matter: "gov.matters.matter.v1",
    bundle: "gov.matters.bundle.v1",
    calendar: "gov.matters.calendar.v1",
    baseline: "gov.matters.baseline.v1",
  },
  intake: {
    application: "gov.intake.application.v1",
    caseSerial: "gov.intake.caseserial.v1",
  },
  credit: {
    subject: "gov.credit.subject.v1",
    lookup: "gov.credit.lookup.v1",
  },
  approval: {
    case: "gov.approval.case.v1",
    permit: "gov.approval.permit.v1",
  },
  exchange: {
    /** One row per lifecycle step of a case, for the national exchange (办件信息; docs/exchange.md). */
    caseStep: "gov.exchange.casestep.v1",
  },
  reviewAndMonitor: {
    finding: "gov.review-and-monitor.finding.v1",
    inspection: "gov.review-and-monitor.inspection.v1",
    rating: "gov.review-and-monitor.rating.v1",
    feedback: "gov.review-and-monitor.feedback.v1",
    watch: "gov.review-and-monitor.watch.v1",
    push: "gov.review-and-monitor.push.v1",
    verification: "gov.review-and-monitor.verification.v1",
    /** Each month's 告知承诺 sampling seed, revealed after the month (commit-reveal). */
    sampling: "gov.review-and-monitor.sampling.v1",
  },
  audit: {
    access: "gov.audit.access.v1",
    checkpoint: "gov.audit.checkpoint.v1",
  },
} as const;

type Values<T> = T[keyof T];
export type Topic = Values<{ [S in keyof typeof topics]: Values<(typeof topics)[S]> }>;

/** Every topic above, for checks such as "each contract's topic is declared here". */
export const allTopics: readonly Topic[] = Object.values(topics).flatMap((s) => Object.values(s)) as Topic[];
