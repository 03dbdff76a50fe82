import { seedCalendar } from "@gov/calendar";
import { arbitraryRequests, serviceTestApp, type TestCaller } from "@gov/runtime/testing";
import { DEVELOPMENT_SEAL_PASSPHRASE, FileKeyring } from "@gov/seal";
import { tempDir, useBackend } from "@gov/testing";
import { anyJson, body, record, text } from "@gov/testing/arbitraries";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalModule } from "../module.ts";
import { accept, accepted, autoRules, elements, eventually, MARKET, publishMatter } from "./test-fixtures.ts";

/**
 * Properties of every approval write route, over arbitrary bodies (mostly of the route's shape, fields now and then
 * anything, lone surrogates and personal data in free text included) on open cases and a valid permit: never a
 * 5xx, a refusal is problem+json, and a refused request stores nothing (the shared `arbitraryRequests` probe).
 */
useBackend("sqlite", "approval write routes: properties (sqlite)", true);

const officer: TestCaller = { role: "officer", sub: "officer-1", department: MARKET.creditCode };
const head: TestCaller = { role: "department-head", sub: "head-1", department: MARKET.creditCode };
const date = fc.constantFrom("2026-03-02", "2026-03-03", "2026-03-10", "2026-02-30", "2031-12-31", "x");
const reason = text;

let h: Awaited<ReturnType<typeof setup>>;
const setup = () =>
  serviceTestApp(
    (deps) =>
      approvalModule(deps, {
        calendar: () => seedCalendar(),
        keyring: FileKeyring.open({
          directory: tempDir("approval-props-keys-"),
          passphrase: DEVELOPMENT_SEAL_PASSPHRASE,
          nodeEnv: "test",
        }),
      }),
    { start: "2026-03-02T10:00:00+08:00" },
  );
const probe = arbitraryRequests(() => h);

interface Route {
  name: string;
  path: (caseId: string) => string;
  body: fc.Arbitrary<unknown>;
  as: TestCaller;
}
const routes: Route[] = [
  { name: "claim", path: (c) => `/approval/cases/${c}/steps/0/claim`, body: body(anyJson), as: officer },
  {
    name: "complete",
    path: (c) => `/approval/cases/${c}/steps/0/complete`,
    body: body(
      record({ opinion: reason, recommendation: fc.constantFrom("approve", "refuse", "maybe") }, [
        "opinion",
        "recommendation",
      ]),
    ),
    as: officer,
  },
  {
    name: "return",
    path: (c) => `/approval/cases/${c}/steps/1/return`,
    body: body(record({ reason }, ["reason"])),
    as: officer,
  },
  {
    name: "reassign",
    path: (c) => `/approval/cases/${c}/steps/0/reassign`,
    body: body(record({ toOfficerId: text, reason }, ["toOfficerId", "reason"])),
    as: officer,
  },
  {
    name: "procedures",
    path: (c) => `/approval/cases/${c}/procedures`,
    body: body(
      record(
        {
          procedureId: fc.constantFrom("P1", "P2", "bad id"),
          procedure: fc.constantFrom("hearing", "site-survey", "lottery", ""),
          startedOn: date,
          expectedEndOn: date,
          legalBasis: text,
          notice: text,
        },
        ["procedureId", "procedure", "startedOn", "expectedEndOn", "legalBasis", "notice"],
      ),
    ),
    as: officer,
  },
  {
    name: "end procedure",
    path: (c) => `/approval/cases/${c}/procedures/P1/end`,
    body: body(record({ endedOn: date, outcome: text }, ["endedOn"])),
    as: officer,
  },
  {
    name: "extension",
    path: (c) => `/approval/cases/${c}/extension`,
    body: body(record({ reason }, ["reason"])),
    as: head,
  },
  {
    name: "decision",
    path: (c) => `/approval/cases/${c}/decision`,
    body: body(
      record({ outcome: fc.constantFrom("approved", "refused", "x"), reason, legalBasis: text }, ["outcome"]),
    ),
    as: head,
  },
  {
    name: "delivery",
    path: () => "/approval/certificates/PMT-AUTO-1-01/delivery",
    body: body(
      record(
        {
          method: fc.constantFrom("window", "ems", "locker", "download", "fax"),
          trackingNumber: fc.constantFrom("EA1234567CN", "x"),
          lockerCode: text,
        },
        ["method"],
      ),
    ),
    as: officer,
  },
  {
    name: "amend",
    path: () => "/approval/permits/PMT-AUTO-1/amend",
    body: body(record({ reason, legalBasis: text, scope: text }, ["reason", "legalBasis", "scope"])),
    as: officer,
  },
  {
    name: "renew",
    path: () => "/approval/permits/PMT-AUTO-1/renew",
    body: body(
      record({ reason, legalBasis: text, validUntil: date }, ["reason", "legalBasis", "validUntil"]),
    ),
    as: officer,
  },
  {
    name: "verify",
    path: () => "/approval/certificates/verify",
    body: body(record({ document: anyJson, seal: anyJson }, ["document", "seal"])),
    as: officer,
  },
];

beforeAll(async () => {
  h = await setup();
  await publishMatter(h, "food", elements());
  await publishMatter(
    h,
    "seal-filing",
    elements({
      processSteps: [{ name: "受理并备案" }],
      allowsAutoApproval: true,
      autoApprovalRules: autoRules,
    }),
  );
  for (const r of routes) await accept(h, accepted(`PROP-${r.name.replaceAll(" ", "-")}`, "food"));
  await accept(
    h,
    accepted("AUTO-1", "seal-filing", {
      matter: { ...accepted("x", "x").matter, matterId: "seal-filing", allowsAutoApproval: true },
    }),
  );
  await eventually(() => h.module.model.certificate("PMT-AUTO-1-01"), "certificate");
  for (const r of routes)
    await eventually(() => h.module.model.caseFile(`PROP-${r.name.replaceAll(" ", "-")}`), "case");
});
afterAll(async () => h?.dispose());

describe("approval write routes: arbitrary requests", () => {
  for (const route of routes) {
    it(`POST ${route.name}: never a 5xx; a refusal stores nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(route.body, async (b) => {
          await probe.send({
            url: route.path(`PROP-${route.name.replaceAll(" ", "-")}`),
            caller: route.as,
            headers: {},
            body: b,
          });
        }),
        { numRuns: 60 },
      );
    });
  }
  it("some requests succeeded and stored events (not only 400s)", () => {
    expect(probe.counts.succeeded).toBeGreaterThan(10);
    expect(probe.counts.counted).toBeGreaterThan(10);
  });
});
