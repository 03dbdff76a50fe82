// The kernel and the port, without any adapter: importing this loads neither `pg`, `node:sqlite` nor the
// EventStoreDB client. Adapters have their own entry points: `@gov/eventsourcing/sqlite`, `/postgres`, `/esdb`.
export * from "./hash-chain.ts";
export * from "./kernel/index.ts";
export * from "./projections/index.ts";
export * from "./scoped-store.ts";
export * from "./validation.ts";
