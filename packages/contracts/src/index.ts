export * from "./codes.ts";
export * from "./matters/elements.ts";
export * from "./matters/events.ts";
