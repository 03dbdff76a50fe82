export * from "./backends.ts";
export * from "./clock.ts";
export * from "./kafka.ts";
