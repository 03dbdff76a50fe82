import { loadConfig } from "@gov/service-kit";
import { describe, expect, it } from "vitest";
import { createGateway } from "./gateway.ts";

describe("embedded gateway", () => {
  it("is ready and serves a merged OpenAPI 3 document", async () => {
    const app = await createGateway(loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }));
    const ready = await app.inject({ method: "GET", url: "/health/ready" });
    expect(ready.statusCode).toBe(200);
    const openapi = await app.inject({ method: "GET", url: "/openapi.json" });
    expect(openapi.statusCode).toBe(200);
    expect(openapi.json().openapi).toMatch(/^3\./);
    await app.close();
  });
});
