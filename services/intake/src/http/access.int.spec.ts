import type { Role } from "@gov/contracts";
import { serviceTestApp, type TestCaller } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hygieneMatter } from "../domain/application/fixtures.ts";
import { intakeModule } from "../module.ts";
import { applicationCommandResult, bundleCommandResult } from "./schemas.ts";
import { hygieneElements, publishBundle, publishCalendar, publishMatter } from "./test-fixtures.ts";

/**
 * Who may call which intake route: every route × every role, scoped roles with their own scope, another
 * scope, and without the claim their rules need (fail closed: 403). The table is docs/intake.md's access
 * table; a change of access changes both.
 */

useBackend("sqlite", "intake access table (sqlite)", true);

const CODE = "91330106MA2H3K7P1E";
const SUBJECT = `O${CODE}`;
const REGION = hygieneMatter.region; // 330100
const DEPARTMENT = hygieneMatter.department.creditCode;
const BUNDLE = "open-a-restaurant";

const callers = {
  anonymous: undefined,
  "applicant (own subject)": { role: "applicant", sub: SUBJECT },
  "applicant (other subject)": { role: "applicant", sub: "O91440200MA5A1B2C3D" },
  "window-clerk (own region)": { role: "window-clerk", region: REGION },
  "window-clerk (other region)": { role: "window-clerk", region: "440200" },
  "window-clerk (no region claim)": { role: "window-clerk" },
  "officer (own department)": { role: "officer", department: DEPARTMENT },
  "officer (other department)": { role: "officer", department: "11440200MB2C3D4E5F" },
  "officer (no department claim)": { role: "officer" },
  "department-head": { role: "department-head", department: DEPARTMENT, region: REGION },
  regulator: { role: "regulator" },
  "credit-admin": { role: "credit-admin" },
  auditor: { role: "auditor" },
  admin: { role: "admin", region: REGION, department: DEPARTMENT },
  system: { role: "system" },
} satisfies Record<string, (TestCaller & { role: Role }) | undefined>;
type Caller = keyof typeof callers;

/** A status, or for a list a 200 and whether the fixture application is on it. */
type Outcome = number | "200 listed" | "200 not listed";
type Target = { url: string; body?: object };
interface Row {
  route: string;
  /** The request, given the fixtures; `fresh` makes an application of SUBJECT in a given state for it. */
  request: (f: Fixtures, fresh: () => Promise<string>) => Promise<Target> | Target;
  /** How to make a fresh application for the case (a write route's), in the state its command needs. */
  fresh?: "submitted" | "correction-requested" | "accepted-with-deferred";
  /** The outcome per caller; every caller not named is 403 (anonymous 401). */
  allow: Partial<Record<Caller, Outcome>>;
}
interface Fixtures {
  applicationId: string;
  bundleApplicationId: string;
}

const file = (id: string) => ({
  materialId: id,
  provision: "provided",
  file: { uri: `s3://uploads/${id}.pdf`, sha256: "b".repeat(64) },
});
const complete = [
  file("M01"),
  { materialId: "LIC", provision: "certificate", certificateId: "ZZ-330106-2025-000123" },
  file("M03"),
  file("M04"),
];
const application = (materials: object[] = complete) => ({
  matterId: hygieneMatter.matterId,
  applicant: { kind: "organisation", creditCode: CODE },
  channel: "window",
  materials,
});
const bundle = {
  bundleId: BUNDLE,
  applicant: { kind: "organisation", creditCode: CODE },
  channel: "window",
  materials: [{ materialId: "LIC", provision: "certificate", certificateId: "ZZ-1" }],
};
const deferralPromise = {
  materialIds: ["M04"],
  supplyBy: "2026-10-09",
  signature: {
    file: { uri: "s3://uploads/promise.pdf", sha256: "d".repeat(64) },
    signedAt: "2026-09-29T09:50:00+08:00",
    signedBy: SUBJECT,
  },
};

/** Readers of one application or bundle: each within its scope; admins read for operational support. */
const readsOne: Row["allow"] = {
  "applicant (own subject)": 200,
  "window-clerk (own region)": 200,
  "officer (own department)": 200,
  regulator: 200,
  auditor: 200,
  admin: 200,
  system: 200,
};
/** Casework at the window: the clerk of the matter's region, and the applicant where the route allows. */
const clerkOnly: Row["allow"] = { "window-clerk (own region)": 200 };
const applicantOrClerk: Row["allow"] = { "applicant (own subject)": 200, "window-clerk (own region)": 200 };
/** Receiving an application: the applicant for itself; a clerk for anyone, of any region (帮办代办, 跨域通办). */
const receives: Row["allow"] = {
  "applicant (own subject)": 201,
  "window-clerk (own region)": 201,
  "window-clerk (other region)": 201,
};

const table: Row[] = [
  {
    route: "POST /intake/applications",
    request: () => ({ url: "/intake/applications", body: application() }),
    allow: receives,
  },
  {
    route: "POST /intake/bundle-applications",
    request: () => ({ url: "/intake/bundle-applications", body: bundle }),
    allow: receives,
  },
  {
    route: "GET /intake/applications/{id}",
    request: (f) => ({ url: `/intake/applications/${f.applicationId}` }),
    allow: readsOne,
  },
  {
    route: "GET /intake/bundle-applications/{id}",
    request: (f) => ({ url: `/intake/bundle-applications/${f.bundleApplicationId}` }),
    allow: readsOne,
  },
  {
    route: "GET /intake/applications?subjectId=",
    request: () => ({ url: `/intake/applications?subjectId=${SUBJECT}` }),
    allow: {
      "applicant (own subject)": "200 listed",
      "applicant (other subject)": "200 not listed",
      "window-clerk (own region)": "200 listed",
      "window-clerk (other region)": "200 not listed",
      "officer (own department)": "200 listed",
      "officer (other department)": "200 not listed",
      regulator: "200 listed",
      auditor: "200 listed",
      admin: "200 listed",
      system: "200 listed",
    },
  },
  {
    route: "GET /intake/queue",
    request: () => ({ url: "/intake/queue" }),
    allow: {
      "window-clerk (own region)": "200 listed",
      "window-clerk (other region)": "200 not listed",
      "officer (own department)": "200 listed",
      "officer (other department)": "200 not listed",
    },
  },
  {
    route: "GET /intake/queue?region=330100",
    request: () => ({ url: `/intake/queue?region=${REGION}` }),
    allow: {
      "window-clerk (own region)": "200 listed",
      "officer (own department)": "200 listed",
      "officer (other department)": "200 not listed",
    },
  },
  {
    route: "GET /intake/kpis",
    request: () => ({ url: "/intake/kpis" }),
    allow: {
      "window-clerk (own region)": 200,
      "window-clerk (other region)": 200,
      "officer (own department)": 200,
      "officer (other department)": 200,
      regulator: 200,
      auditor: 200,
      admin: 200,
    },
  },
  {
    route: "POST /intake/applications/{id}/check",
    fresh: "submitted",
    request: (_, fresh) => fresh().then((id) => ({ url: `/intake/applications/${id}/check`, body: {} })),
    allow: clerkOnly,
  },
  {
    route: "POST /intake/applications/{id}/supplement",
    fresh: "correction-requested",
    request: (_, fresh) =>
      fresh().then((id) => ({
        url: `/intake/applications/${id}/supplement`,
        body: { materials: [file("M03")] },
      })),
    allow: applicantOrClerk,
  },
  {
    route: "POST /intake/applications/{id}/reject",
    fresh: "submitted",
    request: (_, fresh) =>
      fresh().then((id) => ({
        url: `/intake/applications/${id}/reject`,
        body: { reason: "不属于本机关职权范围", legalBasis: "行政许可法 第三十二条" },
      })),
    allow: clerkOnly,
  },
  {
    route: "POST /intake/applications/{id}/deferred-materials",
    fresh: "accepted-with-deferred",
    request: (_, fresh) =>
      fresh().then((id) => ({
        url: `/intake/applications/${id}/deferred-materials`,
        body: { materials: [file("M04")] },
      })),
    allow: applicantOrClerk,
  },
  {
    route: "POST /intake/applications/{id}/withdraw",
    fresh: "submitted",
    request: (_, fresh) =>
      fresh().then((id) => ({ url: `/intake/applications/${id}/withdraw`, body: { reason: "不再需要" } })),
    allow: applicantOrClerk,
  },
  {
    route: "POST /intake/scheduler/run",
    request: () => ({ url: "/intake/scheduler/run", body: {} }),
    allow: { admin: 200, system: 200 },
  },
  {
    route: "GET /intake/scheduler",
    request: () => ({ url: "/intake/scheduler" }),
    allow: { admin: 200, system: 200 },
  },
];

const cases = table.flatMap((row) =>
  (Object.keys(callers) as Caller[]).map((caller) => {
    const expected: Outcome = row.allow[caller] ?? (caller === "anonymous" ? 401 : 403);
    return { route: row.route, caller, expected, row };
  }),
);

const start = () =>
  serviceTestApp((deps) => intakeModule(deps, { schedulerIntervalMs: 0 }), {
    start: "2026-09-29T10:00:00+08:00",
  });
let h: Awaited<ReturnType<typeof start>>;
let fixtures: Fixtures;
const clerk = callers["window-clerk (own region)"];

/** Waits until the read model has read the log up to `position` (read your own writes). */
const seen = async (id: string, position: string | undefined) => {
  const res = await h.request({
    method: "GET",
    url: `/intake/applications/${id}`,
    as: clerk,
    ...(position ? { headers: { "min-log-position": position } } : {}),
  });
  expect(res.statusCode, res.body).toBe(200);
};
const clerkPost = async (url: string, body: object) => {
  const res = await h.request({ method: "POST", url, as: clerk, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return applicationCommandResult.parse(res.json());
};
/** A new application of SUBJECT for the fixture matter (region 330100), in the state a command needs. */
const freshApplication = async (state: NonNullable<Row["fresh"]>) => {
  const materials =
    state === "correction-requested"
      ? complete.filter((m) => m.materialId !== "M03")
      : state === "accepted-with-deferred"
        ? complete.filter((m) => m.materialId !== "M04")
        : complete;
  const { id, position } = await clerkPost("/intake/applications", application(materials));
  if (state === "submitted") {
    await seen(id, position);
    return id;
  }
  const checked = await clerkPost(
    `/intake/applications/${id}/check`,
    state === "accepted-with-deferred" ? { deferralPromise } : {},
  );
  await seen(id, checked.position);
  return id;
};

describe("intake access: every route × role × own / other scope / claim missing (fail closed; separation of duties, GB/T 22239-2019)", () => {
  beforeAll(async () => {
    h = await start();
    await publishMatter(h);
    await publishMatter(h, hygieneElements, "second-matter");
    await publishBundle(h, BUNDLE, [hygieneMatter.matterId, "second-matter"]);
    await publishCalendar(h);
    // (expect.poll is for tests only; vi.waitFor is the same wait with a deadline, in a hook)
    await vi.waitFor(async () => expect(await h.module.matters.bundle(BUNDLE)).toBeDefined(), {
      timeout: 10_000,
    });
    await vi.waitFor(() => expect(h.module.calendar.years().length).toBeGreaterThan(0), { timeout: 10_000 });
    const applicationId = await freshApplication("submitted");
    const b = await h.request({
      method: "POST",
      url: "/intake/bundle-applications",
      as: clerk,
      body: bundle,
    });
    expect(b.statusCode, b.body).toBe(201);
    const reply = bundleCommandResult.parse(b.json());
    for (const id of reply.applicationIds) await seen(id, reply.position);
    fixtures = { applicationId, bundleApplicationId: reply.id };
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it.each(cases)("$route as $caller → $expected", async ({ row, caller, expected }) => {
    const target = await row.request(fixtures, () => freshApplication(row.fresh ?? "submitted"));
    const method = target.body === undefined ? "GET" : "POST";
    const as = callers[caller];
    const request = { method, url: target.url, ...(as ? { as } : {}), body: target.body } as const;
    if (typeof expected === "number" && expected >= 400) {
      await h.when(request).thenRefused(expected);
      return;
    }
    const res = await h.request(request);
    const status = typeof expected === "number" ? expected : 200;
    expect(res.statusCode, res.body).toBe(status);
    if (typeof expected === "string") {
      const listed = (res.json() as { applicationId: string }[]).some(
        (a) => a.applicationId === fixtures.applicationId,
      );
      expect(listed).toBe(expected === "200 listed");
    }
  });
});
