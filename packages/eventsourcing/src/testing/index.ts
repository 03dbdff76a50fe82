export type * from "./contract-harness.ts";
export * from "./decider-spec.ts";
export * from "./embedded-store.ts";
export * from "./event-store-contract.ts";
export * from "./projection-bed.ts";
