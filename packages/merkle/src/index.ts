export * from "./hashing.ts";
export * from "./tree.ts";
export * from "./verify.ts";
