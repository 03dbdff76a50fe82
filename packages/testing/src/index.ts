export * from "./backends.ts";
export * from "./kafka.ts";
