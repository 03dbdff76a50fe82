export * from "./calendar.ts";
export * from "./published.ts";
export * from "./seed.ts";
