export * from "./folds.ts";
export * from "./types.ts";
