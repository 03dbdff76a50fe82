export * from "./bus-contract.ts";
export * from "./children/spawn.ts";
export * from "./load.ts";
