import { Writable } from "node:stream";
import { SignJWT } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type App, buildApp } from "./app.ts";
import { DEVELOPMENT_SECRET, mintToken } from "./auth.ts";
import { commandReply, commandResult, MIN_LOG_POSITION_HEADER, publicRoute } from "./commands.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import type { ReadModelPort, ServiceModule } from "./module.ts";
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
let slowRequests = 0;
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
      slowRequests++;
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
    const started = slowRequests;
    const inFlight = fetch(`${url}/things/slow`);
    await expect.poll(() => slowRequests).toBe(started + 1); // the request is in its handler
    const closing = shutdown(app);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ slow: "done" });
    await closing;
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});

describe("read-your-writes, command replies, readiness and shutdown", () => {
  let other: App | undefined;
  afterEach(async () => {
    await other?.close();
    other = undefined;
  });
  const quiet = () => createLogger({ level: "silent", pretty: false });
  const build = async (
    modules: ServiceModule[],
    extra: Partial<Parameters<typeof buildApp>[0]> = {},
    env: Record<string, string> = {},
  ) => {
    other = await buildApp({
      modules,
      config: loadConfig({ NODE_ENV: "test", READ_YOUR_WRITES_TIMEOUT_MS: "50", ...env }),
      logger: quiet(),
      ...extra,
    });
    return other;
  };
  /** A read model that has read the log up to `reached` (positions compared as numbers here). */
  const fakeReadModel = (reached: number, calls: string[] = [], name = "fake-view"): ReadModelPort => ({
    name,
    readiness: { name, check: async () => {} },
    waitFor: async (position, timeoutMs) => {
      calls.push(`${position}/${timeoutMs}`);
      return Number(position) <= reached;
    },
    close: async () => {},
  });
  const readingModule = (readModel: ReadModelPort, handled: string[] = []): ServiceModule => ({
    name: "views",
    prefix: "/views",
    readModels: [readModel],
    routes: async (r) => {
      r.get("/", { config: publicRoute() }, async () => ({ seen: true }));
      r.post("/", { config: publicRoute() }, async () => {
        handled.push("post");
        return { posted: true };
      });
    },
  });

  it("makes a request with min-log-position wait for the module's read models: 200 once they reached it, else 503 with retry-after", async () => {
    const calls: string[] = [];
    const handled: string[] = [];
    const app = await build([readingModule(fakeReadModel(7, calls), handled)]);
    const get = (position?: string) =>
      app.inject({
        method: "GET",
        url: "/views/",
        ...(position === undefined ? {} : { headers: { [MIN_LOG_POSITION_HEADER]: position } }),
      });
    const reached = await get("7");
    expect(reached.statusCode).toBe(200);
    expect(reached.json()).toEqual({ seen: true });
    expect(calls).toEqual(["7/50"]);

    const behind = await get("8");
    expect(behind.statusCode).toBe(503);
    expect(behind.headers["retry-after"]).toBe("1");
    expect(behind.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(behind.json()).toMatchObject({ status: 503, detail: expect.stringContaining("log position 8") });

    // No header: no wait.
    expect((await get()).statusCode).toBe(200);
    expect(calls).toEqual(["7/50", "8/50"]);

    // A command waits too (it checks access against the read models), before its handler: a 503 runs nothing.
    const post = (position?: string) =>
      app.inject({
        method: "POST",
        url: "/views/",
        ...(position === undefined ? {} : { headers: { [MIN_LOG_POSITION_HEADER]: position } }),
        payload: {},
      });
    expect((await post("7")).json()).toEqual({ posted: true });
    const early = await post("99");
    expect(early.statusCode).toBe(503);
    expect(early.headers["retry-after"]).toBe("1");
    expect((await post()).statusCode).toBe(200);
    expect(calls).toEqual(["7/50", "8/50", "7/50", "99/50"]);
    expect(handled).toEqual(["post", "post"]);
  });

  it("refuses a malformed min-log-position with a 400 naming the header", async () => {
    const app = await build([readingModule(fakeReadModel(7))]);
    const res = await app.inject({
      method: "GET",
      url: "/views/",
      headers: { [MIN_LOG_POSITION_HEADER]: "yesterday" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual([
      `headers.${MIN_LOG_POSITION_HEADER}`,
    ]);
  });

  it("answers a command with the one reply shape, the log-position header and the new revision as etag", async () => {
    const app = await build([
      {
        name: "commands",
        prefix: "/commands",
        routes: async (r) => {
          r.post(
            "/",
            {
              config: publicRoute(),
              schema: { response: { 201: commandResult.extend({ caseNumber: z.string() }) } },
            },
            async (_request, reply) => {
              const handled = {
                events: [{ type: "ThingMade" }],
                nextExpectedRevision: 3,
                replayed: false,
                position: "42",
              };
              return reply.status(201).send(commandReply(reply, "thing-1", handled, { caseNumber: "C-1" }));
            },
          );
        },
      },
    ]);
    const res = await app.inject({ method: "POST", url: "/commands/", payload: {} });
    expect(res.statusCode).toBe(201);
    expect(res.headers["log-position"]).toBe("42");
    expect(res.headers.etag).toBe('"3"');
    expect(res.json()).toEqual({
      id: "thing-1",
      revision: 3,
      events: [{ type: "ThingMade" }],
      replayed: false,
      position: "42",
      caseNumber: "C-1",
    });
  });

  it("is not ready until the demo data has loaded, when the service promises it", async () => {
    let release: () => void = () => {};
    const seeded: string[] = [];
    const seeding = (name: string, wait?: Promise<void>): ServiceModule => ({
      name,
      prefix: `/${name}`,
      routes: async () => {},
      seedDemo: async () => {
        await wait;
        seeded.push(name);
      },
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const app = await build([seeding("first", gate), seeding("second")], { demoData: true });
    const ready = async () => (await app.inject({ method: "GET", url: "/health/ready" })).json();
    expect(await ready()).toMatchObject({
      status: "not-ready",
      checks: [{ name: "demo-data", ok: false, error: "the demo data has not been loaded yet" }],
    });
    const loading = app.seedDemo();
    expect(await ready()).toMatchObject({
      status: "not-ready",
      checks: [{ name: "demo-data", ok: false, error: "the demo data is still loading" }],
    });
    release();
    await loading;
    expect(seeded).toEqual(["first", "second"]); // in module order
    expect(await ready()).toMatchObject({ status: "ready", checks: [{ name: "demo-data", ok: true }] });
    await app.seedDemo(); // once
    expect(seeded).toEqual(["first", "second"]);
  });

  it("reports a failed demo-data load in readiness; without demo data there is no such check", async () => {
    const failing = await build(
      [
        {
          name: "broken",
          prefix: "/broken",
          routes: async () => {},
          seedDemo: async () => {
            throw new Error("catalog file missing");
          },
        },
      ],
      { demoData: true },
    );
    await expect(failing.seedDemo()).rejects.toThrow(/catalog file missing/);
    expect((await failing.inject({ method: "GET", url: "/health/ready" })).json().checks).toEqual([
      { name: "demo-data", ok: false, error: "loading the demo data failed: catalog file missing" },
    ]);
    await failing.close();
    const plain = await build([readingModule(fakeReadModel(0))]);
    expect((await plain.inject({ method: "GET", url: "/health/ready" })).json()).toEqual({
      status: "ready",
      checks: [{ name: "fake-view", ok: true }],
    });
  });

  it("closes on shutdown: the server first, then the modules (last mounted first, each before its read models), then the infrastructure in its order", async () => {
    const closed: string[] = [];
    const mark = (name: string) => async () => void closed.push(name);
    const module = (name: string): ServiceModule => ({
      name,
      prefix: `/${name}`,
      routes: async () => {},
      readModels: [{ ...fakeReadModel(0, [], `${name}-view`), close: mark(`${name}-view`) }],
      close: mark(name),
    });
    const app = await build([module("matters"), module("intake")], {
      infrastructure: {
        readiness: [{ name: "event-store", check: async () => {} }],
        closers: [
          { name: "event-bus", close: mark("event-bus") },
          { name: "event-store", close: mark("event-store") },
        ],
      },
    });
    app.addHook("onClose", async () => {
      // A hook added after buildApp runs before the kit's: the modules are still open here.
      closed.push(`late hook (listening: ${app.server.listening})`);
    });
    expect(
      (await app.inject({ method: "GET", url: "/health/ready" }))
        .json()
        .checks.map((c: { name: string }) => c.name),
    ).toEqual(["event-store", "matters-view", "intake-view"]);
    await app.listen({ port: 0, host: "127.0.0.1" });
    await shutdown(app);
    expect(closed).toEqual([
      "late hook (listening: false)",
      "intake",
      "intake-view",
      "matters",
      "matters-view",
      "event-bus",
      "event-store",
    ]);
    // A second close (a test harness disposing the modules itself) does not close them again.
    for (const m of app.modules) {
      await m.close?.();
      for (const r of m.readModels ?? []) await r.close();
    }
    expect(closed).toHaveLength(7);
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
