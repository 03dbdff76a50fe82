import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, mintToken, shutdown } from "@gov/service-kit";
import { describe, expect, it } from "vitest";
import { createGateway } from "./gateway.ts";

describe("embedded gateway", () => {
  it("is ready and serves a merged OpenAPI 3 document and AsyncAPI 3 document", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gateway-"));
    const app = await createGateway(loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }), { dataDir });
    // Ready once every module's read model has caught up with the log.
    await expect
      .poll(async () => (await app.inject({ method: "GET", url: "/health/ready" })).statusCode)
      .toBe(200);
    const openapi = await app.inject({ method: "GET", url: "/openapi.json" });
    expect(openapi.statusCode).toBe(200);
    expect(openapi.json().openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.json().paths)).toEqual(
      expect.arrayContaining(["/matters/", "/matters/{matterId}"]),
    );
    expect((await app.inject({ method: "GET", url: "/matters/kpis" })).statusCode).toBe(200);
    // One AsyncAPI document for every mounted service's events.
    const asyncapi = (await app.inject({ method: "GET", url: "/asyncapi.json" })).json();
    expect(Object.keys(asyncapi.channels)).toEqual(
      expect.arrayContaining([
        "gov.matters.matter.v1",
        "gov.credit.subject.v1",
        "gov.intake.application.v1",
        "gov.exchange.casestep.v1",
      ]),
    );
    await shutdown(app);
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe("embedded gateway with the demo data (./scripts/start)", () => {
  it("serves the seeded catalog, its bundles and the KPIs under /matters, and credit's demo subjects", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gateway-demo-"));
    const app = await createGateway(loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }), {
      dataDir,
      seedDemo: true,
    });
    const get = async (url: string) => (await app.inject({ method: "GET", url })).json();
    // Ready means the demo data the platform promised has loaded.
    expect((await get("/health/ready")).checks).toContainEqual({ name: "demo-data", ok: true });
    await expect.poll(async () => (await get("/matters/")).length).toBeGreaterThanOrEqual(20);
    const matters: { department: { creditCode: string }; current: { elements: { type: string } } }[] =
      await get("/matters/");
    expect(new Set(matters.map((m) => m.department.creditCode)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(matters.map((m) => m.current.elements.type)).size).toBe(8);
    expect((await get("/matters/?text=食品经营许可"))[0].current.elements.name).toBe("食品经营许可");
    await expect
      .poll(async () => (await get("/matters/bundles")).map((b: { data: { name: string } }) => b.data.name))
      .toEqual(expect.arrayContaining(["企业开办一件事", "新生儿出生一件事"]));
    const kpis = await get("/matters/kpis");
    expect(kpis.overall.mattersInForce).toBe(matters.length);
    expect(kpis.byDepartment.length).toBeGreaterThanOrEqual(6);
    // The credit demo subjects: entries in force on every list.
    for (const list of ["red", "black", "abnormal-operation"]) {
      await expect.poll(async () => (await get(`/credit/lists/${list}`)).length).toBeGreaterThanOrEqual(1);
    }
    await shutdown(app);
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe("embedded gateway with an adjustable clock", () => {
  it("lets an admin move every service's clock, and is refused in production", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gateway-clock-"));
    const app = await createGateway(loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }), {
      dataDir,
      adjustableClock: true,
    });
    const admin = { authorization: `Bearer ${await mintToken({ sub: "a", role: "admin" })}` };
    for (const service of ["matters", "credit", "intake", "exchange"]) {
      const moved = await app.inject({
        method: "PUT",
        url: `/${service}/_clock`,
        headers: admin,
        payload: { now: "2031-03-04T09:00:00+08:00" },
      });
      expect(moved.statusCode, service).toBe(200);
      expect(moved.json().now).toMatch(/^2031-03-04T01:00/);
    }
    await shutdown(app);
    rmSync(dataDir, { recursive: true, force: true });
    await expect(
      createGateway(loadConfig({ NODE_ENV: "production", AUTH_JWT_SECRET: "s".repeat(32) }), {
        dataDir,
        adjustableClock: true,
      }),
    ).rejects.toThrow(/CLOCK: an adjustable clock is for tests/);
  });
});
