import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mattersModule } from "@gov/matters";
import { buildServiceApp, loadRuntimeConfig } from "@gov/runtime";
import { createLogger, loadConfig, shutdown } from "@gov/service-kit";
import { describe, expect, it } from "vitest";
import { createProxyGateway, parseUpstreams } from "./proxy.ts";

describe("distributed gateway (a proxy by path prefix)", () => {
  it("routes /matters/… to the matters process, aggregates readiness and merges OpenAPI", async () => {
    const matters = await buildServiceApp(
      { service: "matters", categories: ["matter", "bundle", "calendar"], module: mattersModule },
      loadRuntimeConfig({
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        EVENT_STORE: "sqlite",
        EVENT_BUS: "embedded",
        DATA_DIR: mkdtempSync(join(tmpdir(), "proxy-")),
      }),
    );
    await matters.listen({ port: 0, host: "127.0.0.1" });
    const url = `http://127.0.0.1:${(matters.server.address() as { port: number }).port}`;
    const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" });
    const gateway = await createProxyGateway(
      config,
      createLogger({ level: "silent", pretty: false }),
      parseUpstreams(`matters=${url}`),
    );

    await expect
      .poll(async () => (await gateway.inject({ method: "GET", url: "/health/ready" })).statusCode)
      .toBe(200);
    const kpis = await gateway.inject({ method: "GET", url: "/matters/kpis" });
    expect(kpis.statusCode).toBe(200);
    expect(kpis.json()).toHaveProperty("overall");
    // The service checks the token itself; its problem+json comes through unchanged.
    const write = await gateway.inject({ method: "POST", url: "/matters/", payload: {} });
    expect(write.statusCode).toBe(401);
    expect(write.headers["content-type"]).toContain("application/problem+json");
    const openapi = (await gateway.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(["/matters/", "/matters/{matterId}"]));

    await shutdown(matters);
    const down = await gateway.inject({ method: "GET", url: "/health/ready" });
    expect(down.statusCode).toBe(503);
    expect(down.json().checks).toEqual([expect.objectContaining({ name: "matters", ok: false })]);
    await shutdown(gateway);
  });

  it("refuses a malformed UPSTREAMS entry by name", () => {
    expect(() => parseUpstreams("matters=not a url")).toThrow(/"matters=not a url"/);
  });
});
