import { readFileSync } from "node:fs";
import { join } from "node:path";
import { verifyChain } from "@gov/eventsourcing";
import { creditCodeCheckCharacter, residentIdCheckCharacter } from "@gov/identifiers";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rebuildRegistry } from "../read-models/registry-projection.ts";
import { creditTestApp } from "../test-support.ts";

useBackend("sqlite", "credit HTTP API (sqlite)", true);

const ID = `33010619850312004${residentIdCheckCharacter("33010619850312004")}`;
const CODE = `91330106MA2H3K7P1${creditCodeCheckCharacter("91330106MA2H3K7P1")}`;
const market = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };

let h: Awaited<ReturnType<typeof creditTestApp>>;
beforeEach(async () => {
  h = await creditTestApp();
});
afterEach(async () => {
  await h.dispose();
});

const post = async (
  url: string,
  payload: unknown,
  role: Parameters<typeof h.as>[0] = "credit-admin",
  sub?: string,
) => h.app.inject({ method: "POST", url, payload: payload as object, headers: await h.as(role, sub) });
const get = async (url: string, role: Parameters<typeof h.as>[0] = "credit-admin", sub?: string) =>
  h.app.inject({ method: "GET", url, headers: await h.as(role, sub) });
const registerOrg = async () =>
  (
    await post("/credit/subjects", {
      kind: "organisation",
      creditCode: CODE,
      name: "杭州示例餐饮管理有限公司",
    })
  ).json().subjectId as string;
const blackListing = (listingId = "L1", severity = "serious") => ({
  listingId,
  list: "black",
  severity,
  issuingDepartment: market,
  legalBasis: "《中华人民共和国食品安全法》第一百三十五条",
  reason: "被吊销食品经营许可证",
});
/** Waits until the registry shows what the last command appended. */
const settled = async () => {
  const head = (await h.store.readAll({ limit: 1_000_000 })).events.length;
  await expect
    .poll(async () => (await rebuildRegistry(h.store)).all().flatMap((s) => s.history).length)
    .toBe(head);
  await expect.poll(() => h.module.registry.all().flatMap((s) => s.history).length).toBe(head);
};

describe("credit API: subjects (domain brief §2 identifiers)", () => {
  it("registers an organisation by its 统一社会信用代码; the subject id is O + the code", async () => {
    const res = await post("/credit/subjects", { kind: "organisation", creditCode: CODE, name: "示例公司" });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ subjectId: `O${CODE}`, created: true, warnings: [] });
  });

  it("accepts an early code that fails its check character, with a warning (GB 32100 exception)", async () => {
    const wrong = `${CODE.slice(0, 17)}${CODE[17] === "0" ? "1" : "0"}`;
    const res = await post("/credit/subjects", {
      kind: "organisation",
      creditCode: wrong,
      name: "早期代码公司",
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().warnings).toHaveLength(1);
  });

  it("refuses a malformed credit code or a 身份证号 with a wrong check character (400 naming the field), storing nothing", async () => {
    const bad = await post("/credit/subjects", { kind: "organisation", creditCode: "123", name: "x" });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain("body.creditCode");
    const wrongCheck = `${ID.slice(0, 17)}${ID[17] === "1" ? "2" : "1"}`;
    const person = await post("/credit/subjects", { kind: "person", idNumber: wrongCheck, name: "示例甲" });
    expect(person.statusCode).toBe(400);
    expect(JSON.stringify(person.json())).toContain("body.idNumber");
    expect(await h.newEvents()).toEqual([]);
  });

  it("registers a person under a pseudonym; the number and name are only in the store encrypted", async () => {
    const res = await post("/credit/subjects", { kind: "person", idNumber: ID, name: "示例甲" });
    expect(res.statusCode).toBe(201);
    const { subjectId } = res.json();
    expect(subjectId).toMatch(/^P[0-9a-f]{32}$/);
    const stored = JSON.stringify(await h.newEvents());
    expect(stored).not.toContain(ID);
    expect(stored).not.toContain("示例甲");
    await settled();
    // A credit administrator sees the masked number and the name, opened with the subject's key.
    const view = (await get(`/credit/subjects/${subjectId}`)).json();
    expect(view.person).toEqual({ idNumber: expect.stringMatching(/^330\*{13}4\w$/), name: "示例甲" });
    // Another service's role sees the status, not the person.
    expect((await get(`/credit/subjects/${subjectId}`, "window-clerk")).json().person).toBeUndefined();
    // Registering again changes nothing.
    expect(
      (await post("/credit/subjects", { kind: "person", idNumber: ID, name: "示例甲" })).statusCode,
    ).toBe(200);
  });

  it("looks a subject up by identifier in the body (never in a URL); unknown subjects are normal", async () => {
    const malformed = await post("/credit/lookup", { creditCode: "x" }, "window-clerk");
    expect(malformed.statusCode).toBe(400);
    expect(JSON.stringify(malformed.json())).toContain("body.creditCode");
    const unknown = await post("/credit/lookup", { idNumber: ID }, "window-clerk");
    expect(unknown.json()).toMatchObject({ registered: false, status: "normal" });
    const subjectId = await registerOrg();
    await settled();
    expect((await post("/credit/lookup", { creditCode: CODE }, "window-clerk")).json()).toMatchObject({
      registered: true,
      subjectId,
      status: "normal",
    });
  });
});

describe("credit API: an entry's life over HTTP (domain brief §5)", () => {
  it("notice → objection by the subject → dismissed → in force after the window → repair after the minimum → normal", async () => {
    const subjectId = await registerOrg();
    const proposed = await post(`/credit/subjects/${subjectId}/listings`, blackListing());
    expect(proposed.statusCode).toBe(201);
    expect(proposed.json().events.map((e: { type: string }) => e.type)).toEqual([
      "ListingProposed",
      "NoticeIssued",
    ]);

    // The subject itself objects (an applicant token whose subject is the subject id); nobody else may.
    const objection = { grounds: "许可证系依法注销，并非吊销" };
    expect(
      (await post(`/credit/subjects/${subjectId}/listings/L1/objection`, objection, "applicant", "Oother"))
        .statusCode,
    ).toBe(403);
    expect(
      (await post(`/credit/subjects/${subjectId}/listings/L1/objection`, objection, "applicant", subjectId))
        .statusCode,
    ).toBe(200);
    const dismissed = await post(`/credit/subjects/${subjectId}/listings/L1/objection/decision`, {
      upheld: false,
      reasons: "经核查，系吊销",
    });
    expect(dismissed.statusCode).toBe(200);

    // Still inside the window: the scheduler leaves it; after the window it takes effect.
    expect((await post("/credit/scheduler/run", {}, "system")).json()).toEqual({ tookEffect: 0, expired: 0 });
    h.clock.advanceDays(16);
    await settled();
    expect((await post("/credit/scheduler/run", {}, "system")).json()).toEqual({ tookEffect: 1, expired: 0 });
    await settled();
    expect((await post("/credit/lookup", { creditCode: CODE }, "window-clerk")).json()).toMatchObject({
      status: "strict-review",
      measures: {
        deferredMaterials: false,
        informedCommitment: false,
        autoApproval: false,
        heightenedInspection: true,
      },
      causes: [{ listingId: "L1", list: "black", severity: "serious" }],
    });
    expect((await h.app.inject({ method: "GET", url: "/credit/lists/black" })).json()).toMatchObject([
      { subjectId, organisation: { creditCode: CODE }, listing: { listingId: "L1", stage: "effective" } },
    ]);

    const repair = { dutiesPerformed: ["已缴清罚款", "已停业整改"], creditPromise: true };
    const early = await post(
      `/credit/subjects/${subjectId}/listings/L1/repair`,
      repair,
      "applicant",
      subjectId,
    );
    expect(early.statusCode).toBe(409);
    h.clock.advanceDays(366);
    expect(
      (await post(`/credit/subjects/${subjectId}/listings/L1/repair`, repair, "applicant", subjectId))
        .statusCode,
    ).toBe(200);
    const approved = await post(`/credit/subjects/${subjectId}/listings/L1/repair/decision`, {
      approved: true,
      reasons: "已履行法定义务并作出信用承诺",
    });
    expect(approved.json().events.map((e: { type: string }) => e.type)).toEqual([
      "RepairApproved",
      "CreditStatusChanged",
    ]);
    await settled();
    expect((await get(`/credit/subjects/${subjectId}`, "regulator")).json()).toMatchObject({
      status: "normal",
      causes: [],
    });
    expect(
      (await get(`/credit/subjects/${subjectId}/history`, "auditor"))
        .json()
        .map((e: { type: string }) => e.type),
    ).toContain("gov.credit.subject.repair-approved.v1");
  });

  it("expires an entry at its maximum period by the scheduled process, once (domain brief §5)", async () => {
    const subjectId = await registerOrg();
    await post(`/credit/subjects/${subjectId}/listings`, blackListing("G1", "general"));
    h.clock.advanceDays(16);
    await settled();
    await post("/credit/scheduler/run", {}, "system");
    h.clock.advanceDays(365);
    await settled();
    expect((await post("/credit/scheduler/run", {}, "admin")).json()).toEqual({ tookEffect: 0, expired: 1 });
    await settled();
    expect((await post("/credit/scheduler/run", {}, "admin")).json()).toEqual({ tookEffect: 0, expired: 0 });
    expect(h.module.registry.get(subjectId)).toMatchObject({ status: "normal" });
  });

  it("rejects bad input with the fields named and stores nothing; conflicts are 409; unknown subjects 404", async () => {
    const subjectId = await registerOrg();
    const before = (await h.newEvents()).length;
    const bad = await post(`/credit/subjects/${subjectId}/listings`, { listingId: "L 1", list: "grey" });
    expect(bad.statusCode).toBe(400);
    const fields = JSON.stringify(bad.json());
    for (const f of ["listingId", "list", "issuingDepartment", "legalBasis", "reason"])
      expect(fields).toContain(f);
    const noSeverity = await post(`/credit/subjects/${subjectId}/listings`, {
      ...blackListing(),
      severity: undefined,
    });
    expect(noSeverity.statusCode).toBe(400);
    expect(JSON.stringify(noSeverity.json())).toContain("body.severity");
    expect((await h.newEvents()).length).toBe(before);
    await post(`/credit/subjects/${subjectId}/listings`, blackListing());
    expect((await post(`/credit/subjects/${subjectId}/listings`, blackListing())).statusCode).toBe(409);
    expect((await post(`/credit/subjects/O${"1".repeat(18)}/listings`, blackListing())).statusCode).toBe(404);
    expect((await get("/credit/subjects/not-a-subject")).statusCode).toBe(400);
  });

  it("lets only credit administrators manage entries, and applicants read only their own record", async () => {
    const subjectId = await registerOrg();
    expect(
      (await post(`/credit/subjects/${subjectId}/listings`, blackListing(), "window-clerk")).statusCode,
    ).toBe(403);
    expect(
      (await post("/credit/subjects", { kind: "organisation", creditCode: CODE, name: "x" }, "officer"))
        .statusCode,
    ).toBe(403);
    await settled();
    expect((await get(`/credit/subjects/${subjectId}`, "applicant", "Osomeone-else")).statusCode).toBe(403);
    expect((await get(`/credit/subjects/${subjectId}`, "applicant", subjectId)).statusCode).toBe(200);
    const anonymous = await h.app.inject({ method: "GET", url: `/credit/subjects/${subjectId}` });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe("credit API: erasure (PIPL; credit issue)", () => {
  it("destroys the person's key: the identity is unreadable, the record and the hash chain stay", async () => {
    const { subjectId } = (
      await post("/credit/subjects", { kind: "person", idNumber: ID, name: "示例甲" })
    ).json();
    await post(`/credit/subjects/${subjectId}/listings`, blackListing());
    expect(
      (await post(`/credit/subjects/${subjectId}/erasure`, { request: "删除请求 2026-007" }, "credit-admin"))
        .statusCode,
    ).toBe(403);
    const erased = await post(
      `/credit/subjects/${subjectId}/erasure`,
      { request: "删除请求 2026-007" },
      "admin",
    );
    expect(erased.statusCode).toBe(200);
    await settled();
    const view = (await get(`/credit/subjects/${subjectId}`)).json();
    expect(view).toMatchObject({ erased: true, listings: [{ listingId: "L1" }] });
    expect(view.person).toBeUndefined();
    const stream = await h.store.readStream(`subject-${subjectId}`);
    expect(verifyChain(`subject-${subjectId}`, stream).ok).toBe(true);
    // The key file no longer holds the subject's key material.
    const keys = readFileSync(join(h.dir, "credit-keys.db"));
    expect(keys.includes(Buffer.from("示例甲"))).toBe(false);
  });
});

describe("credit registry", () => {
  it("a rebuild from the log equals the live registry", async () => {
    const subjectId = await registerOrg();
    await post(`/credit/subjects/${subjectId}/listings`, blackListing());
    await post("/credit/subjects", { kind: "person", idNumber: ID, name: "示例甲" });
    h.clock.advanceDays(20);
    await settled();
    await post("/credit/scheduler/run", {}, "system");
    await settled();
    expect((await rebuildRegistry(h.store)).snapshot()).toEqual(h.module.registry.snapshot());
  });
});
