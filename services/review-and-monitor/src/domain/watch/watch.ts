// The state fold lives in @gov/aggregates, shared with the audit service (point-in-time reconstruction).
export * from "@gov/aggregates/review-and-monitor/watch";
