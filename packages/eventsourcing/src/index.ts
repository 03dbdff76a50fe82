export * from "./envelope.ts";
export * from "./errors.ts";
export * from "./esdb/index.ts";
export type * from "./event-store.ts";
export * from "./hash-chain.ts";
export * from "./kernel/index.ts";
export * from "./postgres/index.ts";
export * from "./sqlite/store.ts";
export * from "./validation.ts";
