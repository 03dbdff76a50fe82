import { type Role, roles } from "@gov/contracts";
import type { TestCaller } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPLICANT, givenCase, type Harness, market, REGION, settled, startApp } from "./fixtures.ts";

/**
 * Who may do what on review-and-monitor's routes: every route × every role → status, pinned in one table. The
 * supervising side (supervisor) runs the loops and the appeals; the rated department's officers answer; regulators
 * record inspections and findings; auditors read; admin and system run the scheduler only (separation of duties,
 * GB/T 22239-2019). Each admitted request meets a fixture that gives one deterministic status.
 */
useBackend("sqlite", "review-and-monitor access table (sqlite)", true);

const base = "/review-and-monitor";
const readers: Role[] = ["supervisor", "regulator", "auditor", "officer"];
const complaint = {
  complaintId: "GD-1",
  channel: "hotline-12345",
  category: "complaint",
  summary: "窗口推诿",
  complainant: APPLICANT,
  department: market,
};
const inspection = {
  inspectionId: "I-1",
  subject: { subjectId: "O91330106MA2H3K7P1X", kind: "organisation" },
  department: market,
  method: "on-site",
  inspectedOn: "2026-05-05",
  result: "compliant",
};

interface RouteCase {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  body?: unknown;
  admits: readonly Role[];
  admitted: number;
}
const table: RouteCase[] = [
  ...["/ratings", "/feedback", "/feedback/CGD-1", "/warnings", "/overdue", "/kpis", "/findings"].map(
    (url) => ({ method: "GET" as const, url, admits: readers, admitted: 200 }),
  ),
  { method: "GET", url: "/feedback/CGD-1/appeal", admits: ["supervisor"], admitted: 404 },
  {
    method: "POST",
    url: "/ratings",
    body: { caseId: "NOPE", channel: "per-case", level: "satisfied" },
    admits: ["applicant", "window-clerk", "supervisor"],
    admitted: 404,
  },
  ...(["PUT", "DELETE"] as const).map((method) => ({
    method,
    url: "/ratings/RNOPE",
    ...(method === "PUT" ? { body: {} } : {}),
    admits: [
      "applicant",
      "window-clerk",
      "officer",
      "department-head",
      "supervisor",
      "regulator",
      "auditor",
      "admin",
    ] as Role[],
    admitted: 404,
  })),
  { method: "POST", url: "/complaints", body: complaint, admits: ["supervisor"], admitted: 409 },
  {
    method: "POST",
    url: "/feedback/CGD-1/steps",
    body: { step: "close", outcome: "closed" },
    admits: ["supervisor", "officer"],
    admitted: 409,
  },
  {
    method: "POST",
    url: "/clocks/NOPE/urge",
    body: { note: "请加快" },
    admits: ["supervisor"],
    admitted: 404,
  },
  { method: "POST", url: "/inspections", body: inspection, admits: ["regulator"], admitted: 409 },
  {
    method: "POST",
    url: "/findings/NOPE/penalty",
    body: { decisionNumber: "x", penalties: ["fine"], legalBasis: "x", decidedOn: "2026-05-06" },
    admits: ["regulator"],
    admitted: 404,
  },
  { method: "GET", url: "/pushes", admits: [...readers, "department-head"], admitted: 200 },
  { method: "POST", url: "/pushes/NOPE/claim", admits: ["officer"], admitted: 404 },
  { method: "POST", url: "/scheduler/run", admits: ["admin", "system"], admitted: 200 },
  { method: "GET", url: "/sampling/2025-01", admits: readers, admitted: 404 },
  { method: "POST", url: "/sampling/reveal", admits: ["admin", "system"], admitted: 200 },
];

/** Each role with the claims its rules need. */
const callerFor = (role: Role): TestCaller => {
  if (role === "officer" || role === "regulator" || role === "department-head")
    return { role, department: market.creditCode };
  if (role === "window-clerk") return { role, region: REGION };
  if (role === "applicant") return { role, sub: APPLICANT };
  return { role };
};

let h: Harness;
beforeAll(async () => {
  h = await startApp();
  await givenCase(h, "A1");
  const as = (role: Role) => callerFor(role);
  for (const [url, body, role] of [
    ["/complaints", complaint, "supervisor"],
    ["/inspections", inspection, "regulator"],
  ] as const) {
    const r = await h.request({ method: "POST", url: `${base}${url}`, body, as: as(role) });
    expect(r.statusCode, r.body).toBe(201);
  }
  await settled(h);
});
afterAll(async () => {
  await h.dispose();
});

describe("review-and-monitor access table", () => {
  for (const route of table)
    for (const role of roles)
      it(`${route.method} ${route.url} as ${role} → ${route.admits.includes(role) ? route.admitted : 403}`, async () => {
        const r = await h.request({
          method: route.method,
          url: `${base}${route.url}`,
          as: callerFor(role),
          ...(route.body === undefined ? {} : { body: route.body }),
        });
        expect(r.statusCode, r.body).toBe(route.admits.includes(role) ? route.admitted : 403);
      });

  it("no token → 401 on every route", async () => {
    for (const route of table) {
      const r = await h.request({
        method: route.method,
        url: `${base}${route.url}`,
        ...(route.body ? { body: route.body } : {}),
      });
      expect(r.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
  });

  it("fails closed: an officer's token without its department reads nothing; with another department, not this loop", async () => {
    for (const url of [
      "/ratings",
      "/feedback",
      "/feedback/CGD-1",
      "/warnings",
      "/overdue",
      "/kpis",
      "/findings",
    ])
      expect((await h.request({ method: "GET", url: `${base}${url}`, as: "officer" })).statusCode, url).toBe(
        403,
      );
    const other = { role: "officer" as const, department: "11330100002489999X" };
    expect((await h.request({ method: "GET", url: `${base}/feedback/CGD-1`, as: other })).statusCode).toBe(
      403,
    );
    expect((await h.request({ method: "GET", url: `${base}/feedback`, as: other })).json()).toEqual([]);
  });
});
