export * from "./approval/events.ts";
export * from "./codes.ts";
export * from "./credit/events.ts";
export * from "./intake/events.ts";
export * from "./matters/elements.ts";
export * from "./matters/events.ts";
export * from "./review-and-monitor/events.ts";
export * from "./subjects.ts";
