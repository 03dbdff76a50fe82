import type { EventStore } from "@gov/eventsourcing";
import { serviceTestApp } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterEach, describe, expect, it } from "vitest";
import { mattersModule } from "./module.ts";

useBackend("sqlite", "matters calendar seed (sqlite)", true);

let h: Awaited<ReturnType<typeof serviceTestApp<Awaited<ReturnType<typeof mattersModule>>>>>;
afterEach(async () => {
  await h.dispose();
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
    h = await serviceTestApp((deps) =>
      mattersModule(
        { ...deps, store: failingOnce(deps.store) },
        { clock: () => "2026-06-01T09:00:00+08:00" },
      ),
    );
    const app = h.app;
    await h.module.calendar.seeded();
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
