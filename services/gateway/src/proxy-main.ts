// Distributed mode's gateway (./scripts/stack): routes /<service>/… to each service's own process.
import { configOrExit, productionProblems } from "@gov/runtime";
import { ConfigError, createLogger, installGracefulShutdown, loadConfig } from "@gov/service-kit";
import { environment as proxyConfig } from "./config.ts";
import { createProxyGateway, parseUpstreams } from "./proxy.ts";

const env = { NODE_ENV: "development", ...process.env };
// The production checks every entry point runs, less the personal-data keys: the gateway holds no personal data,
// but it verifies tokens (for bodies over the limit), so a development or weak AUTH_JWT_SECRET is refused.
const config = configOrExit("gateway", () => {
  const problems = productionProblems(env).filter((p) => !p.variable.startsWith("PII_"));
  let loaded: ReturnType<typeof loadConfig<typeof proxyConfig>> | undefined;
  try {
    loaded = loadConfig(env, proxyConfig);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.unshift(...error.problems.filter((p) => !problems.some((q) => q.variable === p.variable)));
  }
  if (problems.length > 0 || !loaded) throw new ConfigError(problems);
  return loaded;
});
const upstreams = configOrExit("gateway", () => {
  try {
    return parseUpstreams(config.UPSTREAMS);
  } catch (error) {
    throw new ConfigError([
      { variable: "UPSTREAMS", message: error instanceof Error ? error.message : String(error) },
    ]);
  }
});
const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.NODE_ENV === "development" });
const app = await createProxyGateway(config, logger, upstreams);
installGracefulShutdown(app, config.SHUTDOWN_TIMEOUT_MS);
await app.listen({ port: config.PORT, host: config.HOST });
app.log.info({ upstreams, bodyLimit: config.BODY_LIMIT }, `gateway listening on ${config.PORT}`);
