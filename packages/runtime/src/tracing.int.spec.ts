// The tracing entry as production starts it: a service process under `node --import` of
// packages/telemetry/src/register.ts (the packaged folder's dist/telemetry.js), exporting over OTLP/HTTP (JSON)
// to a receiver in this test. One request's spans — fastify's (@fastify/otel), the store's append and pg's
// queries (ESM imports patched through the loader hook) — arrive in one trace, and the request's log line
// carries its trace id. Without OTEL_* the same command starts with nothing loaded and nothing exported.
import { join, resolve } from "node:path";
import {
  dropSchema,
  freshSchema,
  probePostgres,
  testConnectionString,
} from "@gov/eventsourcing/testing/postgres";
import {
  freePort,
  otlpReceiver,
  spawnTracked,
  stopProcesses,
  type TrackedChild,
  useBackend,
} from "@gov/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";

const suite = "a service process started with the tracing entry (node --import)";
const run = useBackend("postgres", suite, await probePostgres());

const root = resolve(import.meta.dirname, "../../..");
const REGISTER = join(root, "packages/telemetry/src/register.ts");
const SERVICE = join(root, "packages/runtime/src/testing/traced-service.ts");

describe.skipIf(!run)(suite, () => {
  const schema = freshSchema("tracing");
  const children: TrackedChild[] = [];
  afterEach(async () => {
    await stopProcesses(children.splice(0));
  });
  afterAll(() => dropSchema(schema));

  const start = async (otel: Record<string, string>) => {
    const port = await freePort();
    const log: string[] = [];
    const child = spawnTracked("traced", process.execPath, ["--import", REGISTER, SERVICE], {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "test",
        LOG_LEVEL: "info",
        HOST: "127.0.0.1",
        PORT: String(port),
        EVENT_STORE: "postgres",
        EVENT_STORE_SCHEMA: schema,
        ...(testConnectionString() ? { DATABASE_URL: testConnectionString() as string } : {}),
        EVENT_BUS: "embedded",
        ...otel,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    child.child.stdout?.on("data", (d) => log.push(String(d)));
    child.child.stderr?.on("data", (d) => log.push(String(d)));
    const url = `http://127.0.0.1:${port}`;
    await expect
      .poll(
        async () => {
          if (child.child.exitCode !== null) throw new Error(`the service exited: ${log.join("")}`);
          return (await fetch(`${url}/health/ready`).catch(() => undefined))?.status;
        },
        { timeout: 60_000, interval: 250 },
      )
      .toBe(200);
    return { url, log };
  };
  const lines = (log: string[]) =>
    log
      .join("")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it("with OTEL_TRACES_EXPORTER=otlp exports one trace per request: fastify, the append and its pg queries; the log line has the trace id", {
    timeout: 240_000,
  }, async () => {
    const receiver = await otlpReceiver();
    try {
      const { url, log } = await start({
        OTEL_TRACES_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: "100",
        OTEL_SERVICE_NAME: "traced",
      });
      expect((await fetch(`${url}/traced/things/a1`, { method: "POST" })).status).toBe(200);
      await expect
        .poll(() => receiver.spans.some((s) => s.name === "event-store append"), { timeout: 30_000 })
        .toBe(true);
      const request = receiver.spans.find(
        (s) => s.name === "POST /traced/things/:id" && s.attributes["http.route"] === "/traced/things/:id",
      );
      expect(request, "@fastify/otel's request span").toBeDefined();
      const trace = receiver.spans.filter((s) => s.traceId === request?.traceId);
      const append = trace.find((s) => s.name === "event-store append");
      expect(append?.attributes["gov.stream.category"]).toBe("thing");
      // pg's spans (ESM `import pg` patched through the loader hook) inside the append.
      const queries = trace.filter((s) => s.scope.includes("instrumentation-pg"));
      expect(queries.length).toBeGreaterThan(0);
      expect(queries.some((q) => q.parentSpanId === append?.spanId)).toBe(true);
      expect(new Set(trace.map((s) => s.service))).toEqual(new Set(["traced"]));
      // Probes are not traced.
      expect(receiver.spans.some((s) => String(s.attributes["http.route"] ?? "").startsWith("/health"))).toBe(
        false,
      );
      await expect
        .poll(() => lines(log).find((l) => l.msg === "thing made"), { timeout: 10_000 })
        .toMatchObject({ trace_id: request?.traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    } finally {
      await receiver.close();
    }
  });

  it("without OTEL_* (or with OTEL_TRACES_EXPORTER=none) starts the same way, exports nothing, logs no trace ids", {
    timeout: 180_000,
  }, async () => {
    const receiver = await otlpReceiver();
    try {
      const { url, log } = await start({
        OTEL_TRACES_EXPORTER: "none",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: "100",
      });
      expect((await fetch(`${url}/traced/things/b2`, { method: "POST" })).status).toBe(200);
      await expect.poll(() => lines(log).some((l) => l.msg === "thing made"), { timeout: 10_000 }).toBe(true);
      expect(lines(log).find((l) => l.msg === "thing made")).not.toHaveProperty("trace_id");
      // A started SDK would flush its spans at shutdown (SIGTERM): after the exit, still nothing arrived.
      await stopProcesses(children.splice(0));
      expect(receiver.requests).toBe(0);
    } finally {
      await receiver.close();
    }
  });
});
