import type { EventStore } from "@gov/eventsourcing";
import { embeddedTestStore } from "@gov/eventsourcing/testing";
import { type App, buildApp, createLogger, loadConfig } from "@gov/service-kit";
import { useBackend } from "@gov/testing";
import { afterEach, describe, expect, it } from "vitest";
import { mattersModule } from "./module.ts";

useBackend("sqlite", "matters calendar seed (sqlite)", true);

let t: Awaited<ReturnType<typeof embeddedTestStore>>;
let app: App;
afterEach(async () => {
  await app.close();
  for (const m of app.modules) {
    await m.close?.();
    for (const r of m.readModels ?? []) await r.close();
  }
  await t.dispose();
});

/** The store, except that the first append to a calendar stream fails as an unreachable database would. */
function failingOnce(store: EventStore): EventStore {
  let failed = false;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === "append")
        return (streamId: string, ...rest: unknown[]) => {
          if (!failed && streamId.startsWith("calendar-")) {
            failed = true;
            return Promise.reject(new Error("connection refused"));
          }
          return (target.append as (...a: unknown[]) => unknown)(streamId, ...rest);
        };
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("the calendar seed at start", () => {
  it("is not ready while the seed cannot be published, retries on the next readiness check, then is ready", async () => {
    t = await embeddedTestStore();
    const module = mattersModule({ store: failingOnce(t.store), clock: () => "2026-06-01T09:00:00+08:00" });
    app = await buildApp({
      modules: [module],
      config: loadConfig({ NODE_ENV: "test" }),
      logger: createLogger({ level: "silent", pretty: false }),
    });
    await module.calendar.seeded();
    const first = await app.inject({ method: "GET", url: "/health/ready" });
    expect(first.statusCode).toBe(503);
    expect(first.json().checks).toContainEqual({
      name: "matters-calendar",
      ok: false,
      error: "the official working-day calendar could not be published (connection refused); retrying",
    });
    await expect
      .poll(async () => (await app.inject({ method: "GET", url: "/health/ready" })).statusCode)
      .toBe(200);
    const years = (await app.inject({ method: "GET", url: "/matters/calendar" })).json().years;
    expect(years.map((y: { calendarVersion: string }) => y.calendarVersion)).toEqual(["2025.v1", "2026.v1"]);
  });
});
