// The tracing entry a service process is started with: `node --import <this> dist/main.js` (the packaged
// folder's `dist/telemetry.js`, the Dockerfile's CMD, the Kubernetes manifests). It must run before the
// service's modules load, so that the instrumentations can patch `pg` and fastify as they are imported.
// Off unless configured (sdk.ts, `tracingConfigured`): then it loads nothing and returns at once.
import { register } from "node:module";
import { INSTRUMENTED_PACKAGES, startTracing, tracingConfigured } from "./sdk.ts";

if (tracingConfigured(process.env)) {
  // ESM imports of the instrumented packages go through import-in-the-middle, so that `import pg from "pg"`
  // is patched too. Only those: wrapping every module the process loads made start-up several times slower.
  // (@fastify/otel needs no hook: it joins each fastify instance through a diagnostics channel.)
  register("@opentelemetry/instrumentation/hook.mjs", import.meta.url, {
    data: { include: [...INSTRUMENTED_PACKAGES] },
  });
  await startTracing(process.env);
}
