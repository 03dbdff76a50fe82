export * from "./backends.ts";
export * from "./clock.ts";
export * from "./cpu-burner.ts";
export * from "./kafka.ts";
export * from "./otlp-receiver.ts";
export * from "./processes.ts";
export * from "./temp-dir.ts";
