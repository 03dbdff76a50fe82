export * from "./backends.ts";
