// The gateway's part of a trace: the routing gateway (proxy-main.ts) and a service process, both started with
// the tracing entry (`node --import`), export over OTLP/HTTP to a receiver in this test. A request through the
// gateway is one trace: the gateway's request span, its proxy call (undici, which writes `traceparent` on the
// forwarded request), and the service's request span and append under it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort, otlpReceiver, spawnTracked, stopProcesses, type TrackedChild } from "@gov/testing";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../../..");
const REGISTER = join(root, "packages/telemetry/src/register.ts");

describe("a request through the gateway is one trace (node --import, OTLP)", () => {
  const children: TrackedChild[] = [];
  const dir = mkdtempSync(join(tmpdir(), "tracing-gateway-"));
  afterAll(async () => {
    await stopProcesses(children);
    rmSync(dir, { recursive: true, force: true });
  });

  it("the service's request span is a child of the gateway's proxy call", { timeout: 240_000 }, async () => {
    const receiver = await otlpReceiver();
    try {
      const otel = (name: string) => ({
        OTEL_TRACES_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: "100",
        OTEL_SERVICE_NAME: name,
      });
      const base = { PATH: process.env.PATH ?? "", NODE_ENV: "test", LOG_LEVEL: "warn", HOST: "127.0.0.1" };
      const log: string[] = [];
      const launch = (name: string, script: string, env: Record<string, string>) => {
        const child = spawnTracked(name, process.execPath, ["--import", REGISTER, join(root, script)], {
          env: { ...base, ...otel(name), ...env },
          stdio: ["ignore", "pipe", "pipe"],
        });
        child.child.stdout?.on("data", (d) => log.push(String(d)));
        child.child.stderr?.on("data", (d) => log.push(String(d)));
        children.push(child);
        return child;
      };
      const servicePort = await freePort();
      const gatewayPort = await freePort();
      launch("traced", "packages/runtime/src/testing/traced-service.ts", {
        PORT: String(servicePort),
        EVENT_STORE: "sqlite",
        EVENT_BUS: "embedded",
        DATA_DIR: dir,
      });
      launch("gateway", "services/gateway/src/proxy-main.ts", {
        PORT: String(gatewayPort),
        UPSTREAMS: `traced=http://127.0.0.1:${servicePort}`,
      });
      const gateway = `http://127.0.0.1:${gatewayPort}`;
      await expect
        .poll(async () => (await fetch(`${gateway}/health/ready`).catch(() => undefined))?.status, {
          timeout: 120_000,
          interval: 250,
        })
        .toBe(200)
        .catch((error) => {
          throw new Error(`${String(error)}: ${log.join("").slice(-2000)}`);
        });

      expect((await fetch(`${gateway}/traced/things/g1`, { method: "POST" })).status).toBe(200);
      const served = () =>
        receiver.spans.find((s) => s.service === "traced" && s.name === "POST /traced/things/:id");
      await expect.poll(() => served() !== undefined, { timeout: 60_000 }).toBe(true);
      const trace = () => receiver.spans.filter((s) => s.traceId === served()?.traceId);
      await expect
        .poll(() => trace().some((s) => s.service === "gateway" && s.scope.includes("undici")), {
          timeout: 30_000,
        })
        .toBe(true);
      const proxied = trace().find((s) => s.service === "gateway" && s.scope.includes("undici"));
      const gatewayRequest = trace().find(
        (s) => s.service === "gateway" && s.scope === "@fastify/otel" && !s.parentSpanId,
      );
      expect(served()?.parentSpanId).toBe(proxied?.spanId);
      expect(gatewayRequest, "the gateway's own request span starts the trace").toBeDefined();
      expect(trace().some((s) => s.service === "traced" && s.name === "event-store append")).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
