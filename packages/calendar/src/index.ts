export * from "./calendar.ts";
export * from "./deadline.ts";
export * from "./published.ts";
export * from "./seed.ts";
