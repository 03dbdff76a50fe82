// Embedded mode: every service in one process (./scripts/start).

import { runtimeConfig } from "@gov/runtime";
import { ConfigError, installGracefulShutdown, loadConfig } from "@gov/service-kit";
import { z } from "zod";
import { createGateway } from "./gateway.ts";

const gatewayConfig = {
  /** Folder of the SQLite event-store file. */
  DATA_DIR: z.string().min(1).default(".data"),
  /** Load the demo catalog, subjects and applications on start (idempotent). */
  DEMO_DATA: z.enum(["true", "false"]).default("true"),
  PII_INDEX_KEY: runtimeConfig.PII_INDEX_KEY,
  PII_MASTER_KEY: runtimeConfig.PII_MASTER_KEY,
  CLOCK: runtimeConfig.CLOCK,
  CALENDAR_WARN_FROM: runtimeConfig.CALENDAR_WARN_FROM,
};

let config: ReturnType<typeof loadConfig<typeof gatewayConfig>>;
try {
  config = loadConfig({ NODE_ENV: "development", ...process.env }, gatewayConfig);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const app = await createGateway(config, {
  dataDir: config.DATA_DIR,
  seedDemo: config.DEMO_DATA === "true",
  ...(config.PII_INDEX_KEY ? { piiIndexKey: config.PII_INDEX_KEY } : {}),
  ...(config.PII_MASTER_KEY ? { piiMasterKey: config.PII_MASTER_KEY } : {}),
  adjustableClock: config.CLOCK === "adjustable",
  calendarWarnFrom: config.CALENDAR_WARN_FROM,
});
installGracefulShutdown(app, config.SHUTDOWN_TIMEOUT_MS);
await app.listen({ port: config.PORT, host: config.HOST });
const base = `http://localhost:${(app.server.address() as { port: number }).port}`;
app.log.info(
  { openapi: `${base}/openapi.json`, ready: `${base}/health/ready`, metrics: `${base}/metrics` },
  `platform ready: ${base}/openapi.json, ${base}/health/ready, ${base}/metrics (Ctrl-C stops)`,
);
