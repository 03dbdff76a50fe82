import { calendarTopic, mattersEventTypes } from "@gov/contracts";
import { topicOf } from "@gov/messaging";
import type { ServiceDeps } from "@gov/runtime";
import { serviceTestApp } from "@gov/runtime/testing";
import { mintToken } from "@gov/service-kit";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mattersModule } from "../module.ts";

useBackend("sqlite", "matters calendar API (sqlite)", true);

let h: Awaited<ReturnType<typeof serviceTestApp<Awaited<ReturnType<typeof mattersModule>>>>>;
let deps: ServiceDeps;
let now = "2026-11-29T10:00:00+08:00";
const as = async (role: "admin" | "officer" | "window-clerk") => ({
  authorization: `Bearer ${await mintToken({ sub: `${role}-1`, role })}`,
});
const TYPE = mattersEventTypes.CalendarYearPublished;

/**
 * TEST DATA for 2027 — a plausible arrangement, not the State Council's real 2027 notice: New Year 1/1–3,
 * Spring Festival 2/5–2/13 with Saturday 2/20 worked.
 */
const test2027 = {
  year: 2027,
  holidays: [
    "2027-01-01",
    "2027-01-02",
    "2027-01-03",
    ...Array.from({ length: 9 }, (_, i) => `2027-02-${String(5 + i).padStart(2, "0")}`),
  ],
  makeUpWorkdays: ["2027-02-20"],
  notice: { title: "测试数据：2027年节假日安排（非真实通知）", number: "TEST〔2026〕1号" },
};

const calendarEvents = async () => (await h.newEvents()).filter((e) => e.type === TYPE);

beforeEach(async () => {
  now = "2026-11-29T10:00:00+08:00";
  h = await serviceTestApp((d) => {
    deps = d;
    return mattersModule(d, { clock: () => now });
  });
  await h.module.calendar.seeded();
});
afterEach(async () => {
  await h.dispose();
});

const put = async (year: number, payload: Record<string, unknown>, role: "admin" | "officer" = "admin") =>
  h.app.inject({ method: "PUT", url: `/matters/calendar/${year}`, headers: await as(role), payload });

describe("working-day calendar API", () => {
  it("publishes the shipped official years at start, as the system actor, once", async () => {
    const seeded = await calendarEvents();
    expect(seeded.map((e) => [e.subject, e.data])).toMatchObject([
      ["calendar-2025", { year: 2025, version: 1, notice: { number: "国办发明电〔2024〕12号" } }],
      ["calendar-2026", { year: 2026, version: 1, notice: { number: "国办发明电〔2025〕7号" } }],
    ]);
    expect(seeded.every((e) => e.actor.role === "system" && e.actor.id === "calendar-seed")).toBe(true);
    // The category's topic is the one the contract names for subscribers.
    expect(seeded.map((e) => topicOf(e))).toEqual([calendarTopic, calendarTopic]);
    expect(topicOf({ source: "gov.matters", subject: "calendar-2027" })).toBe("gov.matters.calendar.v1");

    // A restart (a second module on the same store) publishes nothing more.
    const again = await mattersModule(deps, { clock: () => now });
    await again.calendar.seeded();
    await again.close?.();
    for (const r of again.readModels ?? []) await r.close();
    expect(await calendarEvents()).toHaveLength(2);
  });

  it("lists the published years with version, notice and counts; shows one year with its history", async () => {
    await expect
      .poll(async () => (await h.app.inject({ method: "GET", url: "/matters/calendar" })).json().years)
      .toHaveLength(2);
    const list = (await h.app.inject({ method: "GET", url: "/matters/calendar" })).json();
    expect(list.years[1]).toMatchObject({
      year: 2026,
      version: 1,
      calendarVersion: "2026.v1",
      notice: { title: "国务院办公厅关于2026年部分节假日安排的通知", number: "国办发明电〔2025〕7号" },
      holidays: 33,
      makeUpWorkdays: 6,
    });
    const y2026 = await h.app.inject({ method: "GET", url: "/matters/calendar/2026" });
    expect(y2026.statusCode).toBe(200);
    expect(y2026.json().makeUpWorkdays).toEqual([
      "2026-01-04",
      "2026-02-14",
      "2026-02-28",
      "2026-05-09",
      "2026-09-20",
      "2026-10-10",
    ]);
    expect(y2026.json().history.map((h: { version: number }) => h.version)).toEqual([1]);
    const none = await h.app.inject({ method: "GET", url: "/matters/calendar/2027" });
    expect(none.statusCode).toBe(404);
    expect(none.json().detail).toBe("no working-day calendar published for 2027");
  });

  it("publishes 2027, corrects it as version 2 with a reason, and stores nothing for an identical republish", async () => {
    const first = await put(2027, test2027);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ year: 2027, version: 1, calendarVersion: "2027.v1" });

    const same = await put(2027, { ...test2027, holidays: [...test2027.holidays].reverse() });
    expect(same.statusCode).toBe(200);
    expect(same.json()).toMatchObject({ version: 1, events: [] });

    const noReason = await put(2027, { ...test2027, makeUpWorkdays: [] });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors.map((e: { field: string }) => e.field)).toEqual(["body.reason"]);

    const corrected = await put(2027, {
      ...test2027,
      makeUpWorkdays: [],
      reason: "test: 2/20 is not worked",
    });
    expect(corrected.statusCode).toBe(201);
    expect(corrected.json()).toMatchObject({ version: 2, calendarVersion: "2027.v2" });

    const stored = (await calendarEvents()).filter((e) => e.subject === "calendar-2027");
    expect(stored.map((e) => e.data)).toMatchObject([
      { version: 1, makeUpWorkdays: ["2027-02-20"] },
      { version: 2, supersedesVersion: 1, reason: "test: 2/20 is not worked", makeUpWorkdays: [] },
    ]);
    expect(stored.every((e) => e.actor.id === "admin-1")).toBe(true);

    await expect
      .poll(async () => (await h.app.inject({ method: "GET", url: "/matters/calendar/2027" })).json().version)
      .toBe(2);
    const y2027 = (await h.app.inject({ method: "GET", url: "/matters/calendar/2027" })).json();
    expect(y2027.history).toMatchObject([
      { version: 1, makeUpWorkdays: 1 },
      { version: 2, supersedesVersion: 1, reason: "test: 2/20 is not worked", makeUpWorkdays: 0 },
    ]);
    expect(h.module.calendar.calendar.current().isWorkingDay("2027-02-20")).toBe(false);
  });

  it("refuses bad input with 400 naming the fields, and stores nothing", async () => {
    const before = (await calendarEvents()).length;
    const bad = await put(2027, {
      ...test2027,
      holidays: ["2027-01-02", "2026-12-31", "2027-02-30"],
      // Saturday 1/2 is also a day off; Friday 2/19 is not a weekend day
      makeUpWorkdays: ["2027-01-02", "2027-02-19"],
      notice: { title: "", number: " " },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers["content-type"]).toContain("application/problem+json");
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual([
      "body.holidays[1]",
      "body.holidays[2]",
      "body.makeUpWorkdays[1]",
      "body.makeUpWorkdays[0]",
      "body.notice.title",
      "body.notice.number",
    ]);
    const malformed = await put(2027, { holidays: "2027-01-01", notice: {} });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining([
        "body.holidays",
        "body.makeUpWorkdays",
        "body.notice.title",
        "body.notice.number",
      ]),
    );
    const otherYear = await put(2027, { ...test2027, year: 2028 });
    expect(otherYear.statusCode).toBe(400);
    expect(otherYear.json().errors).toEqual([
      { field: "body.year", message: "must be 2027, the year in the path" },
    ]);
    expect(await calendarEvents()).toHaveLength(before);
  });

  it("lets only an admin publish (403 otherwise, 401 without a token), and stores nothing", async () => {
    const before = (await calendarEvents()).length;
    expect((await put(2027, test2027, "officer")).statusCode).toBe(403);
    const anonymous = await h.app.inject({ method: "PUT", url: "/matters/calendar/2027", payload: test2027 });
    expect(anonymous.statusCode).toBe(401);
    expect(await calendarEvents()).toHaveLength(before);
  });

  it("warns in readiness, and in the calendar_next_year_missing gauge, until next year is published", async () => {
    await expect
      .poll(async () => (await h.app.inject({ method: "GET", url: "/health/ready" })).statusCode)
      .toBe(200);
    const ready = (await h.app.inject({ method: "GET", url: "/health/ready" })).json();
    expect(ready.checks).toContainEqual({
      name: "matters-calendar-next-year",
      ok: true,
      degraded: true,
      warning: "next year's working-day calendar is not published (2027)",
    });
    expect((await h.app.inject({ method: "GET", url: "/metrics" })).body).toMatch(
      /^calendar_next_year_missing 1$/m,
    );

    now = "2026-10-31T10:00:00+08:00"; // before CALENDAR_WARN_FROM (11-01): no warning yet
    expect((await h.app.inject({ method: "GET", url: "/metrics" })).body).toMatch(
      /^calendar_next_year_missing 0$/m,
    );
    now = "2026-11-29T10:00:00+08:00";

    await put(2027, test2027);
    await expect
      .poll(async () => (await h.app.inject({ method: "GET", url: "/metrics" })).body)
      .toMatch(/^calendar_next_year_missing 0$/m);
    const after = (await h.app.inject({ method: "GET", url: "/health/ready" })).json();
    expect(after.checks).toContainEqual({ name: "matters-calendar-next-year", ok: true });
  });
});
