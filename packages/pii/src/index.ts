export * from "./postgres-vault.ts";
export * from "./sqlite-vault.ts";
export * from "./subject-id.ts";
export * from "./vault.ts";
