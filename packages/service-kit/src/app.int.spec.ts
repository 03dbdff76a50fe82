import { Writable } from "node:stream";
import { SignJWT } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type App, buildApp } from "./app.ts";
import { DEVELOPMENT_SECRET, mintToken } from "./auth.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import type { ServiceModule } from "./module.ts";
import { ConflictProblem } from "./problems.ts";
import { shutdown } from "./shutdown.ts";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

let ready = true;
const testModule: ServiceModule = {
  name: "things",
  prefix: "/things",
  readiness: [
    {
      name: "event-store",
      check: async () => {
        if (!ready) throw new Error("connection refused");
      },
    },
  ],
  routes: async (app) => {
    app.post(
      "/",
      {
        config: { auth: { roles: ["officer"] } },
        schema: {
          body: z.object({
            name: z.string().min(1),
            days: z.number().int().min(0),
            region: z.string().regex(/^\d{6}$/),
          }),
        },
      },
      async (request) => ({
        ok: true,
        correlationId: request.context.correlationId,
        actor: request.context.actor?.id,
      }),
    );
    app.get("/conflict", { config: { auth: "public" } }, async () => {
      throw new ConflictProblem("stream at revision 3");
    });
    app.get("/store-conflict", { config: { auth: "public" } }, async () => {
      const e = new Error("expected revision 1");
      e.name = "ConcurrencyError";
      throw e;
    });
    app.get("/boom", { config: { auth: "public" } }, async () => {
      throw new Error("secret internals: password=hunter2");
    });
    app.get("/undeclared", async () => ({ open: true }));
    app.post("/log", { config: { auth: "public" } }, async (request) => {
      request.log.info(
        { applicant: { idNumber: "11010519491231002X", phone: "13800138000" } },
        "applicant 11010519491231002X called from 13800138000",
      );
      return { logged: true };
    });
    app.get("/slow", { config: { auth: "public" } }, async () => {
      await new Promise((r) => setTimeout(r, 300));
      return { slow: "done" };
    });
  },
};

let app: App;
let logs: Capture;
async function start(env: Record<string, string> = {}) {
  logs = new Capture();
  const config = loadConfig({ NODE_ENV: "test", BODY_LIMIT: "2048", ...env });
  app = await buildApp({
    modules: [testModule],
    config,
    logger: createLogger({ level: "info", pretty: false, stream: logs }),
  });
  return app;
}
afterEach(async () => {
  ready = true;
  await app?.close();
});
const officer = () => mintToken({ sub: "officer-1", role: "officer", department: "D1" });
const body = { name: "x", days: 2, region: "440200" };

describe("service kit over HTTP", () => {
  it("names every field at fault in a 400 problem+json", async () => {
    await start();
    const res = await app.inject({
      method: "POST",
      url: "/things/",
      headers: { authorization: `Bearer ${await officer()}` },
      payload: { name: "", days: -1, region: "44" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(
      res
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(["body.days", "body.name", "body.region"]);
  });

  it("answers a malformed JSON body with 400 and an oversized body with 413", async () => {
    await start();
    const auth = { authorization: `Bearer ${await officer()}`, "content-type": "application/json" };
    const malformed = await app.inject({
      method: "POST",
      url: "/things/",
      headers: auth,
      payload: '{"name": ',
    });
    expect(malformed.statusCode).toBe(400);
    const big = await app.inject({
      method: "POST",
      url: "/things/",
      headers: auth,
      payload: JSON.stringify({ ...body, name: "x".repeat(5000) }),
    });
    expect(big.statusCode).toBe(413);
  });

  it("404 for unknown routes, 409 for conflicts (thrown or from the event store), 500 without internals", async () => {
    await start();
    expect((await app.inject({ method: "GET", url: "/nowhere" })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: "/things/conflict" })).json()).toMatchObject({
      status: 409,
      detail: "stream at revision 3",
    });
    expect((await app.inject({ method: "GET", url: "/things/store-conflict" })).statusCode).toBe(409);
    const boom = await app.inject({ method: "GET", url: "/things/boom" });
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain("hunter2");
    expect(logs.text).toContain(boom.headers["x-request-id"] as string);
  });

  it("401 for a missing, expired or wrongly signed token; 403 for a role not allowed or a route without a declaration", async () => {
    await start();
    const post = (authorization?: string) =>
      app.inject({
        method: "POST",
        url: "/things/",
        payload: body,
        ...(authorization ? { headers: { authorization } } : {}),
      });
    expect((await post()).statusCode).toBe(401);
    const expired = await new SignJWT({ role: "officer" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("o")
      .setIssuer("gov-platform")
      .setAudience("gov-platform")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(DEVELOPMENT_SECRET));
    const expiredRes = await post(`Bearer ${expired}`);
    expect(expiredRes.statusCode).toBe(401);
    expect(expiredRes.json().detail).toMatch(/expired/);
    const forged = await mintToken({
      sub: "o",
      role: "officer",
      secret: "another-secret-another-secret-123",
    });
    expect((await post(`Bearer ${forged}`)).statusCode).toBe(401);
    const applicant = await mintToken({ sub: "a", role: "applicant" });
    expect((await post(`Bearer ${applicant}`)).statusCode).toBe(403);
    expect(
      (
        await app.inject({
          method: "GET",
          url: "/things/undeclared",
          headers: { authorization: `Bearer ${await officer()}` },
        })
      ).statusCode,
    ).toBe(403);
    const ok = await post(`Bearer ${await officer()}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().actor).toBe("officer-1");
  });

  it("never logs an ID number or a phone number, in a field or in a message", async () => {
    await start();
    await app.inject({ method: "POST", url: "/things/log", payload: {} });
    expect(logs.text).toContain("applicant");
    expect(logs.text).not.toContain("11010519491231002X");
    expect(logs.text).not.toContain("13800138000");
  });

  it("takes request and correlation ids from headers, echoes them and puts them on log lines and in the handler's context", async () => {
    await start();
    const res = await app.inject({
      method: "POST",
      url: "/things/",
      headers: {
        authorization: `Bearer ${await officer()}`,
        "x-request-id": "req-42",
        "x-correlation-id": "corr-7",
      },
      payload: body,
    });
    expect(res.headers["x-request-id"]).toBe("req-42");
    expect(res.headers["x-correlation-id"]).toBe("corr-7");
    expect(res.json().correlationId).toBe("corr-7");
    expect(logs.text).toContain('"reqId":"req-42"');
  });

  it("moves the request metrics after a request", async () => {
    await start();
    await app.inject({ method: "GET", url: "/things/conflict" });
    const metrics = (await app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/things\/conflict",status="409"\} 1/);
    expect(metrics).toContain("http_request_duration_seconds_bucket");
    expect(metrics).toContain("process_cpu_user_seconds_total");
  });

  it("is not ready (503, naming the dependency) while a dependency is down", async () => {
    await start();
    expect((await app.inject({ method: "GET", url: "/health/ready" })).statusCode).toBe(200);
    ready = false;
    const res = await app.inject({ method: "GET", url: "/health/ready" });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks).toEqual([{ name: "event-store", ok: false, error: "connection refused" }]);
    expect((await app.inject({ method: "GET", url: "/health/live" })).statusCode).toBe(200);
  });

  it("finishes an in-flight request on shutdown, then refuses new connections", async () => {
    await start();
    await app.listen({ port: 0, host: "127.0.0.1" });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const inFlight = fetch(`${url}/things/slow`);
    await new Promise((r) => setTimeout(r, 50));
    const closing = shutdown(app);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ slow: "done" });
    await closing;
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});

describe("configuration", () => {
  it("names every bad or missing variable at once", () => {
    try {
      loadConfig({ PORT: "eighty", LOG_LEVEL: "loud", NODE_ENV: "production" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(["LOG_LEVEL", "PORT"]);
    }
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/AUTH_JWT_SECRET/);
    expect(loadConfig({ NODE_ENV: "development" }).PORT).toBe(8080);
  });
});
