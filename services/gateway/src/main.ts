// Embedded mode: every service in one process (./scripts/start).
import { ConfigError, installGracefulShutdown, loadConfig } from "@gov/service-kit";
import { createGateway } from "./gateway.ts";

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig({ NODE_ENV: "development", ...process.env });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const app = await createGateway(config, { dataDir: process.env.DATA_DIR ?? ".data" });
installGracefulShutdown(app, config.SHUTDOWN_TIMEOUT_MS);
await app.listen({ port: config.PORT, host: config.HOST });
const base = `http://localhost:${(app.server.address() as { port: number }).port}`;
app.log.info(
  { openapi: `${base}/openapi.json`, ready: `${base}/health/ready`, metrics: `${base}/metrics` },
  `platform ready: ${base}/openapi.json, ${base}/health/ready, ${base}/metrics (Ctrl-C stops)`,
);
