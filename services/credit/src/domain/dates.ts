// Calendar-date arithmetic shared with the subject state fold (@gov/aggregates).
export * from "@gov/aggregates/credit/dates";
