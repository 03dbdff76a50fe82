import { roles } from "@gov/contracts";
import { serviceTestApp } from "@gov/runtime/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { exchangeModule } from "../module.ts";
import {
  approvalEvents,
  expectedReports,
  intakeEvents,
  permitEvents,
  permitIdOf,
  storedV1Rows,
} from "../reactions/case-fixtures.ts";
import { CSV_COLUMNS } from "./export.ts";

const N = 12;
const given = Object.fromEntries(
  Array.from({ length: N }, (_, i) => {
    const { streamId, events } = intakeEvents("H", i);
    const approval = approvalEvents("H", i);
    const permit = permitEvents("H", i);
    return [
      [streamId, events],
      ...(approval ? [[approval.streamId, approval.events]] : []),
      ...(permit ? [[permit.streamId, permit.events]] : []),
    ];
  }).flat(),
);
// The test clock: every report is made on 2026-11-20 (China time).
const DAY = "2026-11-20";
// And one row the exchange stored as v1 on that day, before 领证 was reported (read as v2 by the upcaster).
const storedV1 = storedV1Rows("H", 0, `${DAY}T09:00:00+08:00`);
given[storedV1.streamId] = storedV1.events;
const total = Array.from({ length: N }, (_, i) => expectedReports(i)).reduce((a, b) => a + b) + 1;

const start = () => serviceTestApp((deps) => exchangeModule(deps), { start: `${DAY}T10:00:00+08:00`, given });
let h: Awaited<ReturnType<typeof start>>;
beforeAll(async () => {
  h = await start();
  await vi.waitFor(
    async () => {
      const page = await h.module.steps.page({ from: DAY, to: DAY, limit: 10_000 });
      expect(page.items).toHaveLength(total);
    },
    { timeout: 60_000, interval: 50 },
  );
});
afterAll(async () => {
  await h?.dispose();
});

const get = (url: string, as: Parameters<typeof h.request>[0]["as"] = "auditor") =>
  h.request({ method: "GET", url, as });

describe("GET /exchange/case-steps: the feed for a day or a range", () => {
  it("JSON Lines: one report per line, in feed order, each a whole row with its version", async () => {
    const r = await get(`/exchange/case-steps?from=${DAY}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^application\/x-ndjson/);
    const lines = r.body.trimEnd().split("\n");
    expect(lines).toHaveLength(total);
    const rows = lines.map((l) => JSON.parse(l) as { step: string; version: number; caseKey: string });
    expect(rows[0]).toMatchObject({ step: "application", stepName: "申办", version: 1 });
    expect(rows.some((row) => row.step === "application" && row.version === 2)).toBe(true);
  });

  it("JSON Lines: 领证, one row per delivered certificate, with method, certificate number and date only", async () => {
    const r = await get(`/exchange/case-steps?from=${DAY}`);
    const rows = r.body
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { step: string; applicationId: string; details: unknown });
    const delivered = rows.filter((row) => row.step === "delivery");
    // Applications 0, 4 and 8 are approved and their certificates delivered (the fixtures).
    expect(delivered.map((row) => row.applicationId)).toEqual(["AH00000", "AH00004", "AH00008"]);
    expect(delivered[0]).toMatchObject({
      stepName: "领证",
      version: 1,
      caseKey: expect.stringMatching(/^[0-9A-Z]{31}\d{12}$/),
      details: {
        step: "delivery",
        method: "ems",
        certificateNo: `${permitIdOf("H", 0)}-01`,
        deliveredOn: "2026-11-02",
      },
    });
    expect(Object.keys(delivered[0]?.details as object).sort()).toEqual([
      "certificateNo",
      "deliveredOn",
      "method",
      "step",
    ]);
    expect(r.body).not.toContain("EMS0000");
  });

  it("a row stored as v1 is exported as the same row (read as v2)", async () => {
    const r = await get(`/exchange/case-steps?from=${DAY}`);
    const rows = r.body
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const v1 = storedV1.events[0];
    expect(rows.filter((row) => row.rowId === "AHV0000:application")).toEqual([
      { ...(v1?.data as object), reportedAt: v1?.time },
    ]);
  });

  it("CSV: RFC 4180 with a header line, quoted where a field needs it", async () => {
    const r = await get(`/exchange/case-steps?from=${DAY}&to=${DAY}&format=csv`, "system");
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^text\/csv/);
    const lines = r.body.trimEnd().split("\r\n");
    expect(lines[0]).toBe(CSV_COLUMNS.join(","));
    expect(lines).toHaveLength(total + 1);
    // details is JSON: quoted, its quotes doubled.
    expect(lines[1]).toContain('"{""receivedOn"":""2026-11-02""}"');
    // 领证: the step's columns and its details.
    const delivery = lines.filter((l) => l.includes(",delivery,领证,"));
    expect(delivery).toHaveLength(3);
    expect(delivery[0]).toContain(
      `"{""method"":""ems"",""certificateNo"":""${permitIdOf("H", 0)}-01"",""deliveredOn"":""2026-11-02""}"`,
    );
    expect(delivery[0]?.split(",").slice(0, 6)).toEqual([
      expect.stringMatching(/^[0-9A-Z]{31}\d{12}$/),
      expect.stringMatching(/^[0-9A-Z]{31}\d{12}$/),
      "AH00000",
      "delivery",
      "领证",
      "1",
    ]);
  });

  it("pages: next-cursor and a link until the range is read, every report exactly once", async () => {
    const seen: string[] = [];
    let url: string | undefined = `/exchange/case-steps?from=${DAY}&limit=7`;
    while (url) {
      const r = await get(url, "admin");
      expect(r.statusCode, r.body).toBe(200);
      seen.push(...r.body.split("\n").filter(Boolean));
      const link = r.headers.link as string | undefined;
      url = link ? /^<([^>]+)>/.exec(link)?.[1] : undefined;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it("a day with no reports is an empty export", async () => {
    const r = await get("/exchange/case-steps?from=2026-11-21&format=csv");
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe(`${CSV_COLUMNS.join(",")}\r\n`);
  });

  it("bad input is a 400 naming the fields", async () => {
    const refused = (url: string, fields: string[]) =>
      h.when({ method: "GET", url, as: "auditor" }).thenRefused(400, fields);
    await refused("/exchange/case-steps", ["query.from"]);
    await refused("/exchange/case-steps?from=2026-13-01", ["query.from"]);
    await refused(`/exchange/case-steps?from=${DAY}&to=2026-11-19`, ["query.to"]);
    await refused("/exchange/case-steps?from=2026-01-01&to=2026-02-01", ["query.to"]);
    await refused(`/exchange/case-steps?from=${DAY}&format=xml`, ["query.format"]);
    await refused(`/exchange/case-steps?from=${DAY}&limit=5001`, ["query.limit"]);
    await refused(`/exchange/case-steps?from=${DAY}&after=abc`, ["query.after"]);
  });

  it("only auditors, admins and the system integration read the feed; no token is a 401", async () => {
    for (const role of roles) {
      const r = await get(`/exchange/case-steps?from=${DAY}`, role);
      expect(r.statusCode, role).toBe(["auditor", "admin", "system"].includes(role) ? 200 : 403);
    }
    const anonymous = await h.request({ method: "GET", url: `/exchange/case-steps?from=${DAY}` });
    expect(anonymous.statusCode).toBe(401);
  });
});
