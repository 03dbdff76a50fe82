// Projections into SQL tables (docs/projections.md): the port, the runner and the registry. The adapters have
// their own entry points, `@gov/eventsourcing/projections/sqlite` and `/projections/postgres`, so that importing
// this loads neither `node:sqlite` nor `pg`.

export * from "./batch.ts";
export * from "./port.ts";
export * from "./registry.ts";
export * from "./runner.ts";
