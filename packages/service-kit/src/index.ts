export type { DestinationStream, Logger } from "pino";
export * from "./app.ts";
export * from "./auth.ts";
export * from "./config.ts";
export * from "./logger.ts";
export type * from "./module.ts";
export * from "./problems.ts";
export type * from "./request-context.ts";
export * from "./shutdown.ts";
