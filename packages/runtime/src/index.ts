export * from "./clock.ts";
export * from "./config.ts";
export * from "./domain-errors.ts";
export * from "./infrastructure.ts";
export * from "./key-vault.ts";
export * from "./run-service.ts";
export * from "./store.ts";
