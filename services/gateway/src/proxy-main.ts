// Distributed mode's gateway (./scripts/stack): routes /<service>/… to each service's own process.
import { ConfigError, createLogger, installGracefulShutdown, loadConfig } from "@gov/service-kit";
import { environment as proxyConfig } from "./config.ts";
import { createProxyGateway, parseUpstreams } from "./proxy.ts";

let config: ReturnType<typeof loadConfig<typeof proxyConfig>>;
let upstreams: ReturnType<typeof parseUpstreams>;
try {
  config = loadConfig({ NODE_ENV: "development", ...process.env }, proxyConfig);
  upstreams = parseUpstreams(config.UPSTREAMS);
} catch (error) {
  process.stderr.write(`gateway: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 1 : 2);
}
const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.NODE_ENV === "development" });
const app = await createProxyGateway(config, logger, upstreams);
installGracefulShutdown(app, config.SHUTDOWN_TIMEOUT_MS);
await app.listen({ port: config.PORT, host: config.HOST });
app.log.info({ upstreams, bodyLimit: config.BODY_LIMIT }, `gateway listening on ${config.PORT}`);
