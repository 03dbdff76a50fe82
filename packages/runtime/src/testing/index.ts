export * from "./service-test-app.ts";
