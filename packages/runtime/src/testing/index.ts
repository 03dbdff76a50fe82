export * from "./arbitrary-requests.ts";
export * from "./service-test-app.ts";
