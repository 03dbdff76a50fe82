export * from "./envelope.ts";
export * from "./errors.ts";
export type * from "./event-store.ts";
