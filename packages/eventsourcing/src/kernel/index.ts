export * from "./command-context.ts";
export * from "./command-handler.ts";
export * from "./decider.ts";
export * from "./domain-errors.ts";
export * from "./event-types.ts";
export * from "./ids.ts";
export * from "./memory-projection.ts";
export * from "./subscription.ts";
