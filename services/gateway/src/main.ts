// Embedded mode: every service in one process (./scripts/start).

import { reviewConfigProblems } from "@gov/review-and-monitor";
import { auditKeyProblems, configOrExit, loadCheckedConfig, runtimeConfig } from "@gov/runtime";
import { sealKeyringProblems } from "@gov/seal";
import { installGracefulShutdown } from "@gov/service-kit";
import { z } from "zod";
import { createGateway } from "./gateway.ts";

const gatewayConfig = {
  /** Folder of the SQLite event-store file. */
  DATA_DIR: z.string().min(1).default(".data"),
  /**
   * Load the demo catalog, subjects and applications on start (idempotent). Default: on outside production,
   * off in production unless DEMO_DATA=true is given.
   */
  DEMO_DATA: z.enum(["true", "false"]).optional(),
  PII_INDEX_KEY: runtimeConfig.PII_INDEX_KEY,
  PII_MASTER_KEY: runtimeConfig.PII_MASTER_KEY,
  AUDIT_SIGNING_KEY: runtimeConfig.AUDIT_SIGNING_KEY,
  CLOCK: runtimeConfig.CLOCK,
  CLOCK_OFFSET_MS: runtimeConfig.CLOCK_OFFSET_MS,
  CALENDAR_WARN_FROM: runtimeConfig.CALENDAR_WARN_FROM,
};

// The same checks as every service process (`runService`): production refuses development keys, weak
// secrets and an adjustable clock, naming every problem at once; approval's seal keyring (SEAL_KEYRING_DIR,
// SEAL_KEYRING_PASSPHRASE) too, since approval runs in this process.
const env = { NODE_ENV: "development", ...process.env };
const config = configOrExit("gateway", () =>
  loadCheckedConfig(env, gatewayConfig, () => [
    ...auditKeyProblems(env),
    ...sealKeyringProblems(env),
    ...reviewConfigProblems(env),
  ]),
);
const demoData = (config.DEMO_DATA ?? (config.NODE_ENV === "production" ? "false" : "true")) === "true";
const app = await createGateway(config, {
  dataDir: config.DATA_DIR,
  seedDemo: demoData,
  ...(config.PII_INDEX_KEY ? { piiIndexKey: config.PII_INDEX_KEY } : {}),
  ...(config.PII_MASTER_KEY ? { piiMasterKey: config.PII_MASTER_KEY } : {}),
  ...(config.AUDIT_SIGNING_KEY ? { auditSigningKey: config.AUDIT_SIGNING_KEY } : {}),
  adjustableClock: config.CLOCK === "adjustable",
  ...(config.CLOCK_OFFSET_MS !== undefined ? { clockOffsetMs: config.CLOCK_OFFSET_MS } : {}),
  calendarWarnFrom: config.CALENDAR_WARN_FROM,
});
installGracefulShutdown(app, config.SHUTDOWN_TIMEOUT_MS);
await app.listen({ port: config.PORT, host: config.HOST });
const base = `http://localhost:${(app.server.address() as { port: number }).port}`;
app.log.info(
  {
    openapi: `${base}/openapi.json`,
    ready: `${base}/health/ready`,
    metrics: `${base}/metrics`,
    demoData,
  },
  `platform ready: ${base}/openapi.json, ${base}/health/ready, ${base}/metrics (Ctrl-C stops)`,
);
