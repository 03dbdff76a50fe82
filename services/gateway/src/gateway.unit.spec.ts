import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, shutdown } from "@gov/service-kit";
import { describe, expect, it } from "vitest";
import { createGateway } from "./gateway.ts";

describe("embedded gateway", () => {
  it("is ready and serves a merged OpenAPI 3 document", async () => {
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
    await shutdown(app);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
