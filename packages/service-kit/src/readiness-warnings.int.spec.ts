import { afterEach, describe, expect, it } from "vitest";
import { type App, buildApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import type { ServiceModule } from "./module.ts";
import { Problem, problemType } from "./problems.ts";

let storeUp = true;
let calendarPublished = false;
const module: ServiceModule = {
  name: "things",
  prefix: "/things",
  readiness: [
    {
      name: "store",
      check: async () => {
        if (!storeUp) throw new Error("connection refused");
      },
    },
    {
      name: "next-year-calendar",
      degradedOnly: true,
      check: async () => {
        if (!calendarPublished) throw new Error("next year's working-day calendar is not published");
      },
    },
  ],
  gauges: [
    { name: "things_missing", help: "1 when things are missing", value: () => (calendarPublished ? 0 : 1) },
  ],
  routes: async (app) => {
    app.get("/typed", { config: { auth: "public" } }, async () => {
      throw new Problem(409, "Thing not published", "no thing for 2027", undefined, {
        type: problemType("thing-not-published"),
        extensions: { year: 2027, status: 500 },
      });
    });
  },
};

let app: App;
afterEach(async () => {
  storeUp = true;
  calendarPublished = false;
  await app.close();
});
const build = async () => {
  app = await buildApp({
    modules: [module],
    config: loadConfig({ NODE_ENV: "test" }),
    logger: createLogger({ level: "silent", pretty: false }),
  });
};

describe("readiness warnings (degradedOnly checks)", () => {
  it("reports a failing degradedOnly check as ok, degraded, with its warning, and stays ready (200)", async () => {
    await build();
    const res = await app.inject({ method: "GET", url: "/health/ready" });
    expect(res.statusCode).toBe(200);
    expect(res.json().checks).toEqual([
      { name: "store", ok: true },
      {
        name: "next-year-calendar",
        ok: true,
        degraded: true,
        warning: "next year's working-day calendar is not published",
      },
    ]);
    calendarPublished = true;
    const after = await app.inject({ method: "GET", url: "/health/ready" });
    expect(after.json().checks[1]).toEqual({ name: "next-year-calendar", ok: true });
  });

  it("still answers 503 when an ordinary check fails", async () => {
    await build();
    storeUp = false;
    const res = await app.inject({ method: "GET", url: "/health/ready" });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks[0]).toMatchObject({ name: "store", ok: false, error: "connection refused" });
  });
});

describe("module gauges", () => {
  it("are read on every scrape of /metrics", async () => {
    await build();
    expect((await app.inject({ method: "GET", url: "/metrics" })).body).toMatch(/^things_missing 1$/m);
    calendarPublished = true;
    expect((await app.inject({ method: "GET", url: "/metrics" })).body).toMatch(/^things_missing 0$/m);
  });
});

describe("typed problems", () => {
  it("carry their own type URI and extension members, which cannot override the standard members", async () => {
    await build();
    const res = await app.inject({ method: "GET", url: "/things/typed" });
    expect(res.statusCode).toBe(409);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json()).toEqual({
      type: "https://gov-platform.example/problems/thing-not-published",
      title: "Thing not published",
      status: 409,
      detail: "no thing for 2027",
      instance: "/things/typed",
      year: 2027,
    });
  });
});
