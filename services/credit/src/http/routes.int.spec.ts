import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Role, creditEventTypes as wire } from "@gov/contracts";
import { verifyChain } from "@gov/eventsourcing";
import { creditCodeCheckCharacter, residentIdCheckCharacter } from "@gov/identifiers";
import { serviceTestApp } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { creditModule } from "../module.ts";
import { rebuildRegistry } from "../read-models/registry-projection.ts";

useBackend("sqlite", "credit HTTP API (sqlite)", true);

const ID = `33010619850312004${residentIdCheckCharacter("33010619850312004")}`;
const CODE = `91330106MA2H3K7P1${creditCodeCheckCharacter("91330106MA2H3K7P1")}`;
const market = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };

const start = () => serviceTestApp((deps) => creditModule(deps, { schedulerIntervalMs: 0 }));
let h: Awaited<ReturnType<typeof start>>;
beforeEach(async () => {
  h = await start();
});
afterEach(async () => {
  await h.dispose();
});

const caller = (role: Role, sub?: string) => (sub ? { role, sub } : role);
const post = (url: string, body: unknown, role: Role = "credit-admin", sub?: string) =>
  h.request({ method: "POST", url, body, as: caller(role, sub) });
const get = (url: string, role: Role = "credit-admin", sub?: string) =>
  h.request({ method: "GET", url, as: caller(role, sub) });
const organisation = { kind: "organisation", creditCode: CODE, name: "杭州示例餐饮管理有限公司" };
const registerOrg = async () => (await post("/credit/subjects", organisation)).json().id as string;
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
  const head = (await h.store.readAll({ limit: 1_000_000 })).events.filter((e) =>
    e.subject.startsWith("subject-"),
  ).length;
  await expect
    .poll(async () => (await rebuildRegistry(h.store)).all().flatMap((s) => s.history).length)
    .toBe(head);
  await expect
    .poll(async () => (await h.module.registry.snapshot()).flatMap((s) => s.history).length)
    .toBe(head);
};

describe("credit API: subjects (identifiers: GB 11643-1999, GB 32100-2015)", () => {
  it("registers an organisation by its 统一社会信用代码; the subject id is O + the code", async () => {
    const { body } = await h
      .when({
        method: "POST",
        url: "/credit/subjects",
        as: "credit-admin",
        body: { kind: "organisation", creditCode: CODE, name: "示例公司" },
      })
      .thenAppended(201, { type: wire.SubjectRegistered, subject: `subject-O${CODE}`, caseid: `O${CODE}` });
    expect(body).toEqual({
      id: `O${CODE}`,
      revision: 0,
      events: [{ type: "SubjectRegistered" }],
      replayed: false,
      position: expect.any(String),
      created: true,
      warnings: [],
    });
  });

  it("accepts an early code that fails its check character, with a warning (GB 32100-2015 exception)", async () => {
    const wrong = `${CODE.slice(0, 17)}${CODE[17] === "0" ? "1" : "0"}`;
    const { body } = await h
      .when({
        method: "POST",
        url: "/credit/subjects",
        as: "credit-admin",
        body: { kind: "organisation", creditCode: wrong, name: "早期代码公司" },
      })
      .thenAppended(201, wire.SubjectRegistered);
    expect((body as { warnings: string[] }).warnings).toHaveLength(1);
  });

  it("refuses a malformed credit code or a 身份证号 with a wrong check character (400 naming the field), storing nothing", async () => {
    await h
      .when({
        method: "POST",
        url: "/credit/subjects",
        as: "credit-admin",
        body: { kind: "organisation", creditCode: "123", name: "x" },
      })
      .thenRefused(400, ["body.creditCode"]);
    const wrongCheck = `${ID.slice(0, 17)}${ID[17] === "1" ? "2" : "1"}`;
    await h
      .when({
        method: "POST",
        url: "/credit/subjects",
        as: "credit-admin",
        body: { kind: "person", idNumber: wrongCheck, name: "示例甲" },
      })
      .thenRefused(400, ["body.idNumber"]);
    expect(await h.newEvents()).toEqual([]);
  });

  it("registers a person under a pseudonym; the number and name are only in the store encrypted", async () => {
    const person = { kind: "person", idNumber: ID, name: "示例甲" };
    const { body } = await h
      .when({ method: "POST", url: "/credit/subjects", as: "credit-admin", body: person })
      .thenAppended(201, wire.SubjectRegistered);
    const subjectId = (body as { id: string }).id;
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
    const again = await h
      .when({ method: "POST", url: "/credit/subjects", as: "credit-admin", body: person })
      .thenAppended(200);
    expect(again.body).toMatchObject({ id: subjectId, revision: 0, events: [], created: false });
  });

  it("looks a subject up by identifier in the body (never in a URL); unknown subjects are normal", async () => {
    await h
      .when({
        method: "POST",
        url: "/credit/lookup",
        as: "window-clerk",
        body: { creditCode: "x", purpose: "受理审查" },
      })
      .thenRefused(400, ["body.creditCode"]);
    const unknown = await post("/credit/lookup", { idNumber: ID, purpose: "受理审查" }, "window-clerk");
    expect(unknown.json()).toMatchObject({ registered: false, status: "normal" });
    const subjectId = await registerOrg();
    await settled();
    expect(
      (await post("/credit/lookup", { creditCode: CODE, purpose: "受理审查" }, "window-clerk")).json(),
    ).toMatchObject({
      registered: true,
      subjectId,
      status: "normal",
    });
  });
});

describe("credit API: an entry's life over HTTP (国办发〔2020〕49号; 信用修复管理办法)", () => {
  it("notice → objection by the subject → dismissed → in force after the window → repair after the minimum → normal", async () => {
    const subjectId = await registerOrg();
    const entry = `/credit/subjects/${subjectId}/listings/L1`;
    const proposed = await h
      .when({
        method: "POST",
        url: `/credit/subjects/${subjectId}/listings`,
        as: "credit-admin",
        body: blackListing(),
      })
      .thenAppended(201, wire.ListingProposed, wire.NoticeIssued);
    expect(proposed.body).toMatchObject({
      id: subjectId,
      revision: 2,
      events: [{ type: "ListingProposed" }, { type: "NoticeIssued" }],
      replayed: false,
    });
    expect(proposed.response.headers.etag).toBe('"2"');
    expect(proposed.response.headers["log-position"]).toBe((proposed.body as { position: string }).position);

    // The subject itself objects (an applicant token whose subject is the subject id); nobody else may.
    const objection = { grounds: "许可证系依法注销，并非吊销" };
    await h
      .when({
        method: "POST",
        url: `${entry}/objection`,
        as: { role: "applicant", sub: "Oother" },
        body: objection,
      })
      .thenRefused(403);
    await h
      .when({
        method: "POST",
        url: `${entry}/objection`,
        as: { role: "applicant", sub: subjectId },
        body: objection,
      })
      .thenAppended(200, wire.ObjectionFiled);
    await h
      .when({
        method: "POST",
        url: `${entry}/objection/decision`,
        as: "credit-admin",
        body: { upheld: false, reasons: "经核查，系吊销" },
      })
      .thenAppended(200, wire.ObjectionDismissed);

    // Still inside the window: the scheduler leaves it; after the window it takes effect.
    expect((await post("/credit/scheduler/run", {}, "system")).json()).toEqual({
      tookEffect: 0,
      expired: 0,
      movedToSeriousList: 0,
      stuck: [],
    });
    h.clock.advanceDays(16);
    await settled();
    expect((await post("/credit/scheduler/run", {}, "system")).json()).toEqual({
      tookEffect: 1,
      expired: 0,
      movedToSeriousList: 0,
      stuck: [],
    });
    await settled();
    expect(
      (await post("/credit/lookup", { creditCode: CODE, purpose: "受理审查" }, "window-clerk")).json(),
    ).toMatchObject({
      status: "strict-review",
      measures: {
        deferredMaterials: false,
        informedCommitment: false,
        autoApproval: false,
        heightenedInspection: true,
      },
      causes: [{ listingId: "L1", list: "black", severity: "serious" }],
    });
    expect((await h.request({ method: "GET", url: "/credit/lists/black" })).json()).toMatchObject([
      { subjectId, organisation: { creditCode: CODE }, listing: { listingId: "L1", stage: "effective" } },
    ]);

    const repair = { dutiesPerformed: ["已缴清罚款", "已停业整改"], creditPromise: true };
    const asSubject = { role: "applicant", sub: subjectId } as const;
    await h.when({ method: "POST", url: `${entry}/repair`, as: asSubject, body: repair }).thenRefused(409);
    h.clock.advanceDays(366);
    await h
      .when({ method: "POST", url: `${entry}/repair`, as: asSubject, body: repair })
      .thenAppended(200, wire.RepairRequested);
    const approved = await h
      .when({
        method: "POST",
        url: `${entry}/repair/decision`,
        as: "credit-admin",
        body: { approved: true, reasons: "已履行法定义务并作出信用承诺" },
      })
      .thenAppended(200, wire.RepairApproved, wire.CreditStatusChanged);
    expect((approved.body as { events: { type: string }[] }).events.map((e) => e.type)).toEqual([
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

  it("expires an entry at its maximum period by the scheduled process, once (信用修复管理办法)", async () => {
    const subjectId = await registerOrg();
    await post(`/credit/subjects/${subjectId}/listings`, blackListing("G1", "general"));
    h.clock.advanceDays(16);
    await settled();
    await post("/credit/scheduler/run", {}, "system");
    h.clock.advanceDays(365);
    await settled();
    expect((await post("/credit/scheduler/run", {}, "admin")).json()).toEqual({
      tookEffect: 0,
      expired: 1,
      movedToSeriousList: 0,
      stuck: [],
    });
    await settled();
    expect((await post("/credit/scheduler/run", {}, "admin")).json()).toEqual({
      tookEffect: 0,
      expired: 0,
      movedToSeriousList: 0,
      stuck: [],
    });
    expect(await h.module.registry.get(subjectId)).toMatchObject({ status: "normal" });
  });

  it("rejects bad input with the fields named and stores nothing; conflicts are 409; unknown subjects 404", async () => {
    const subjectId = await registerOrg();
    const listings = `/credit/subjects/${subjectId}/listings`;
    await h
      .when({ method: "POST", url: listings, as: "credit-admin", body: { listingId: "L 1", list: "grey" } })
      .thenRefused(400, [
        "body.listingId",
        "body.list",
        "body.issuingDepartment",
        "body.legalBasis",
        "body.reason",
      ]);
    await h
      .when({
        method: "POST",
        url: listings,
        as: "credit-admin",
        body: { ...blackListing(), severity: undefined },
      })
      .thenRefused(400, ["body.severity"]);
    await h
      .when({ method: "POST", url: listings, as: "credit-admin", body: blackListing() })
      .thenAppended(201, wire.ListingProposed, wire.NoticeIssued);
    await h
      .when({ method: "POST", url: listings, as: "credit-admin", body: blackListing() })
      .thenRefused(409);
    await h
      .when({
        method: "POST",
        url: `/credit/subjects/O${"1".repeat(18)}/listings`,
        as: "credit-admin",
        body: blackListing(),
      })
      .thenRefused(404);
    expect((await get("/credit/subjects/not-a-subject")).statusCode).toBe(400);
  });

  it("lets only credit administrators manage entries, and applicants read only their own record", async () => {
    const subjectId = await registerOrg();
    await h
      .when({
        method: "POST",
        url: `/credit/subjects/${subjectId}/listings`,
        as: "window-clerk",
        body: blackListing(),
      })
      .thenRefused(403);
    await h
      .when({
        method: "POST",
        url: "/credit/subjects",
        as: "officer",
        body: { kind: "organisation", creditCode: CODE, name: "x" },
      })
      .thenRefused(403);
    await settled();
    expect((await get(`/credit/subjects/${subjectId}`, "applicant", "Osomeone-else")).statusCode).toBe(403);
    expect((await get(`/credit/subjects/${subjectId}`, "applicant", subjectId)).statusCode).toBe(200);
    const anonymous = await h.request({ method: "GET", url: `/credit/subjects/${subjectId}` });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe("credit API: 经营异常名录 until removed (企业经营异常名录管理暂行办法 国家工商行政管理总局令第68号)", () => {
  const abnormalListing = (over: Record<string, unknown> = {}) => ({
    listingId: "A1",
    list: "abnormal-operation",
    ground: "annual-report-not-filed",
    issuingDepartment: market,
    legalBasis: "《企业信息公示暂行条例》第十七条",
    reason: "未按规定于6月30日前报送2025年度年度报告",
    ...over,
  });
  /** Registers the company and lists A1 on the 经营异常名录, in force after the objection window. */
  const listed = async () => {
    const subjectId = await registerOrg();
    await h
      .when({
        method: "POST",
        url: `/credit/subjects/${subjectId}/listings`,
        as: "credit-admin",
        body: abnormalListing(),
      })
      .thenAppended(201, wire.AbnormalOperationListingProposed, wire.NoticeIssued);
    h.clock.advanceDays(16);
    await settled();
    expect((await post("/credit/scheduler/run", {}, "system")).json()).toMatchObject({ tookEffect: 1 });
    await settled();
    return subjectId;
  };

  it("refuses a severity (400 naming body.severity) and an entry without a ground (第四条), storing nothing", async () => {
    const subjectId = await registerOrg();
    const url = `/credit/subjects/${subjectId}/listings`;
    await h
      .when({ method: "POST", url, as: "credit-admin", body: abnormalListing({ severity: "general" }) })
      .thenRefused(400, ["body.severity"]);
    await h
      .when({ method: "POST", url, as: "credit-admin", body: abnormalListing({ ground: undefined }) })
      .thenRefused(400, ["body.ground"]);
    await h
      .when({ method: "POST", url, as: "credit-admin", body: abnormalListing({ ground: "late" }) })
      .thenRefused(400, ["body.ground"]);
  });

  it("removal (移出): the company applies after rectifying; a credit administrator refuses, then approves", async () => {
    const subjectId = await listed();
    const entry = `/credit/subjects/${subjectId}/listings/A1`;
    const asSubject = { role: "applicant", sub: subjectId } as const;
    const application = { rectification: ["已补报2025年度年度报告并公示"] };
    expect(
      (await h.request({ method: "GET", url: "/credit/lists/abnormal-operation" })).json(),
    ).toMatchObject([
      { subjectId, listing: { listingId: "A1", stage: "effective", ground: "annual-report-not-filed" } },
    ]);

    // Only the subject itself or a credit administrator applies; only a credit administrator decides.
    await h
      .when({
        method: "POST",
        url: `${entry}/removal`,
        as: { role: "applicant", sub: "Oother" },
        body: application,
      })
      .thenRefused(403);
    await h
      .when({ method: "POST", url: `${entry}/removal`, as: "window-clerk", body: application })
      .thenRefused(403);
    await h
      .when({ method: "POST", url: `${entry}/removal`, as: asSubject, body: { rectification: [] } })
      .thenRefused(400, ["body.rectification"]);
    await h
      .when({ method: "POST", url: `${entry}/removal`, as: asSubject, body: application })
      .thenAppended(200, wire.AbnormalOperationRemovalRequested);
    await h
      .when({ method: "POST", url: `${entry}/removal`, as: asSubject, body: application })
      .thenRefused(409);
    await h
      .when({
        method: "POST",
        url: `${entry}/removal/decision`,
        as: asSubject,
        body: { approved: true, reasons: "x" },
      })
      .thenRefused(403);
    await h
      .when({ method: "POST", url: `${entry}/removal/decision`, as: "credit-admin", body: {} })
      .thenRefused(400, ["body.approved", "body.reasons"]);
    await h
      .when({
        method: "POST",
        url: `${entry}/removal/decision`,
        as: "credit-admin",
        body: { approved: false, reasons: "年度报告未在公示系统公示" },
      })
      .thenAppended(200, wire.AbnormalOperationRemovalRefused);
    await settled();
    expect((await get(`/credit/subjects/${subjectId}`)).json()).toMatchObject({
      status: "strict-review",
      listings: [{ listingId: "A1", stage: "effective", removal: { status: "refused" } }],
    });

    await h
      .when({ method: "POST", url: `${entry}/removal`, as: "credit-admin", body: application })
      .thenAppended(200, wire.AbnormalOperationRemovalRequested);
    const removed = await h
      .when({
        method: "POST",
        url: `${entry}/removal/decision`,
        as: "credit-admin",
        body: { approved: true, reasons: "已补报并公示年度报告" },
      })
      .thenAppended(200, wire.AbnormalOperationRemoved, wire.CreditStatusChanged);
    expect(removed.body).toMatchObject({
      id: subjectId,
      events: [{ type: "AbnormalOperationRemoved" }, { type: "CreditStatusChanged" }],
    });
    await settled();
    expect((await get(`/credit/subjects/${subjectId}`, "regulator")).json()).toMatchObject({
      status: "normal",
      causes: [],
      listings: [
        {
          listingId: "A1",
          stage: "removed",
          removal: {
            status: "removed",
            rectification: application.rectification,
            requestedOn: "2026-05-22",
            decidedOn: "2026-05-22",
            reasons: "已补报并公示年度报告",
          },
        },
      ],
    });
    expect((await h.request({ method: "GET", url: "/credit/lists/abnormal-operation" })).json()).toEqual([]);
  });

  it("the scheduled process never expires it, and moves it to the 严重违法失信名单 exactly three years after listing (国家市场监督管理总局令第44号)", async () => {
    const subjectId = await listed();
    const run = async () => (await post("/credit/scheduler/run", {}, "system")).json();
    // A year (一般's maximum under 信用修复管理办法) and the day before three years: still listed.
    h.clock.set("2027-05-06T10:00:00+08:00");
    expect(await run()).toEqual({ tookEffect: 0, expired: 0, movedToSeriousList: 0, stuck: [] });
    h.clock.set("2029-05-05T10:00:00+08:00");
    expect(await run()).toEqual({ tookEffect: 0, expired: 0, movedToSeriousList: 0, stuck: [] });
    h.clock.set("2029-05-06T10:00:00+08:00");
    expect(await run()).toEqual({ tookEffect: 0, expired: 0, movedToSeriousList: 1, stuck: [] });
    await settled();
    expect(await run()).toEqual({ tookEffect: 0, expired: 0, movedToSeriousList: 0, stuck: [] });
    const stream = await h.store.readStream(`subject-${subjectId}`);
    expect(stream.map((e) => e.type).slice(-2)).toEqual([
      wire.MovedToSeriousIllegalDishonestyList,
      wire.CreditStatusChanged,
    ]);
    const view = (await get(`/credit/subjects/${subjectId}`, "window-clerk")).json();
    expect(view).toMatchObject({
      status: "strict-review",
      causes: [{ listingId: "A1-SIL", list: "black", severity: "serious" }],
    });
    expect(view.listings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          listingId: "A1",
          stage: "moved-to-serious-list",
          movedTo: {
            listingId: "A1-SIL",
            movedOn: "2029-05-06",
            legalBasis: expect.stringContaining("国家市场监督管理总局令第44号"),
          },
        }),
        expect.objectContaining({ listingId: "A1-SIL", list: "black", stage: "effective", movedFrom: "A1" }),
      ]),
    );
    expect((await h.request({ method: "GET", url: "/credit/lists/abnormal-operation" })).json()).toEqual([]);
    expect((await h.request({ method: "GET", url: "/credit/lists/black" })).json()).toMatchObject([
      { subjectId, listing: { listingId: "A1-SIL", severity: "serious" } },
    ]);
    expect((await rebuildRegistry(h.store)).snapshot()).toEqual(await h.module.registry.snapshot());
  });
});

describe("credit API: erasure (个人信息保护法 第四十七条)", () => {
  it("destroys the person's key: the identity is unreadable, the record and the hash chain stay", async () => {
    const subjectId = (
      await post("/credit/subjects", { kind: "person", idNumber: ID, name: "示例甲" })
    ).json().id as string;
    await post(`/credit/subjects/${subjectId}/listings`, blackListing());
    const erasure = { request: "删除请求 2026-007" };
    await h
      .when({
        method: "POST",
        url: `/credit/subjects/${subjectId}/erasure`,
        as: "credit-admin",
        body: erasure,
      })
      .thenRefused(403);
    await h
      .when({ method: "POST", url: `/credit/subjects/${subjectId}/erasure`, as: "admin", body: erasure })
      .thenAppended(200, wire.ErasureRequested, wire.IdentityErased);
    // Asked again (a client's retry): nothing new.
    await h
      .when({ method: "POST", url: `/credit/subjects/${subjectId}/erasure`, as: "admin", body: erasure })
      .thenAppended(200);
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
    expect((await rebuildRegistry(h.store)).snapshot()).toEqual(await h.module.registry.snapshot());
  });
});

describe("credit API: look-ups are recorded (个人信息保护法 第五十一条; GB/T 22239-2019 安全审计)", () => {
  it("records who looked up whom and why (never the number); credit administrators and auditors page through them", async () => {
    const person = await post("/credit/subjects", { kind: "person", idNumber: ID, name: "示例甲" });
    const subjectId = person.json().id as string;
    await h
      .when({ method: "POST", url: "/credit/lookup", as: "window-clerk", body: { idNumber: ID } })
      .thenRefused(400, ["body.purpose"]);
    await h
      .when({
        method: "POST",
        url: "/credit/lookup",
        as: "window-clerk",
        body: { idNumber: ID, purpose: `核对申请人 ${ID}` },
      })
      .thenRefused(400, ["body.purpose"]);
    await h
      .when({
        method: "POST",
        url: "/credit/lookup",
        as: "window-clerk",
        body: { idNumber: ID, creditCode: CODE, purpose: "受理审查" },
      })
      .thenRefused(400, ["body.creditCode"]);
    await settled();
    const clerk = { role: "window-clerk", sub: "clerk-7", region: "330106" } as const;
    const looked = await h
      .when({
        method: "POST",
        url: "/credit/lookup",
        as: clerk,
        body: { idNumber: ID, purpose: "受理 A-2026-001 容缺审查" },
      })
      .thenAppended(200, {
        type: wire.LookupRecorded,
        subject: `lookup-${subjectId}`,
        actor: { id: "clerk-7", role: "window-clerk" },
        region: "330106",
        data: {
          subjectId,
          identifier: "idNumber",
          registered: true,
          purpose: "受理 A-2026-001 容缺审查",
          lookedUpOn: "2026-05-06",
        },
      });
    expect(looked.body).toMatchObject({ registered: true, subjectId, status: "normal" });
    expect(JSON.stringify(looked.events)).not.toContain(ID);
    await h
      .when({
        method: "POST",
        url: "/credit/lookup",
        as: "officer",
        body: { idNumber: ID, purpose: "双随机抽查" },
      })
      .thenAppended(200, wire.LookupRecorded);

    const first = await get(`/credit/subjects/${subjectId}/lookups?limit=1`, "auditor");
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual([
      {
        position: expect.any(String),
        time: expect.any(String),
        by: { id: "clerk-7", role: "window-clerk", region: "330106" },
        identifier: "idNumber",
        registered: true,
        purpose: "受理 A-2026-001 容缺审查",
      },
    ]);
    const next = first.headers["next-cursor"] as string;
    expect(first.headers.link).toContain(`after=${next}`);
    const second = await get(`/credit/subjects/${subjectId}/lookups?limit=1&after=${next}`);
    expect(second.json().map((i: { by: { role: string } }) => i.by.role)).toEqual(["officer"]);
    expect(second.headers["next-cursor"]).toBeUndefined();
    await h
      .when({ method: "GET", url: `/credit/subjects/${subjectId}/lookups?limit=500`, as: "auditor" })
      .thenRefused(400, ["query.limit"]);
    expect((await get(`/credit/subjects/${subjectId}/lookups`, "window-clerk")).statusCode).toBe(403);
  });

  it("limits each caller's look-ups (429 problem+json with retry-after); others go on, and the window moves on", async () => {
    const limited = await serviceTestApp((deps) =>
      creditModule(deps, { schedulerIntervalMs: 0, lookupsPerMinute: 2 }),
    );
    try {
      const lookup = (sub: string) =>
        limited.request({
          method: "POST",
          url: "/credit/lookup",
          as: { role: "window-clerk", sub },
          body: { creditCode: CODE, purpose: "受理审查" },
        });
      expect((await lookup("clerk-1")).statusCode).toBe(200);
      expect((await lookup("clerk-1")).statusCode).toBe(200);
      const refused = await limited
        .when({
          method: "POST",
          url: "/credit/lookup",
          as: { role: "window-clerk", sub: "clerk-1" },
          body: { creditCode: CODE, purpose: "受理审查" },
        })
        .thenRefused(429);
      expect(Number(refused.response.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.response.headers["retry-after"])).toBeLessThanOrEqual(60);
      expect(refused.body).toMatchObject({ status: 429, type: expect.stringContaining("rate-limited") });
      expect((await lookup("clerk-2")).statusCode).toBe(200);
      limited.clock.set(new Date(Date.parse(limited.clock.now()) + 61_000).toISOString());
      expect((await lookup("clerk-1")).statusCode).toBe(200);
    } finally {
      await limited.dispose();
    }
  });
});

describe("credit API: free text about a person is erasable (个人信息保护法 第四十七条)", () => {
  const reason = "以告知承诺方式申领失业保险金，核查发现承诺不实";
  const registerPerson = async () =>
    (await post("/credit/subjects", { kind: "person", idNumber: ID, name: "示例甲" })).json().id as string;

  it("seals a person's reasons and grounds under the person's key; authorised readers see them, others see (sealed), all see (erased) after erasure", async () => {
    const subjectId = await registerPerson();
    const proposed = await h
      .when({
        method: "POST",
        url: `/credit/subjects/${subjectId}/listings`,
        as: "credit-admin",
        body: { ...blackListing("P1", "general"), reason },
      })
      .thenAppended(201, wire.ListingProposed, wire.NoticeIssued);
    const grounds = { grounds: "本人于2026年3月已如实补充材料，联系电话13812345678" };
    const objected = await h
      .when({
        method: "POST",
        url: `/credit/subjects/${subjectId}/listings/P1/objection`,
        as: { role: "applicant", sub: subjectId },
        body: grounds,
        headers: { "idempotency-key": "objection-P1" },
      })
      .thenAppended(200, wire.ObjectionFiled);
    // In the store: placeholders and ciphertext only.
    const stored = JSON.stringify([...proposed.events, ...objected.events]);
    expect(stored).not.toContain(reason);
    expect(stored).not.toContain("13812345678");
    expect(proposed.events[0]?.data).toMatchObject({ reason: "(sealed)", sealedText: { alg: "A256GCM" } });
    expect(objected.events[0]?.data).toMatchObject({ grounds: "(sealed)", sealedText: { alg: "A256GCM" } });
    // The same objection again under its Idempotency-Key is a replay, not a conflict (the same seal is reused).
    const again = await h.request({
      method: "POST",
      url: `/credit/subjects/${subjectId}/listings/P1/objection`,
      as: { role: "applicant", sub: subjectId },
      body: grounds,
      headers: { "idempotency-key": "objection-P1" },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ replayed: true });
    await settled();

    const reasonAs = async (role: Role, sub?: string) =>
      (await get(`/credit/subjects/${subjectId}`, role, sub)).json().listings[0].reason as string;
    expect(await reasonAs("credit-admin")).toBe(reason);
    expect(await reasonAs("applicant", subjectId)).toBe(reason);
    expect(await reasonAs("window-clerk")).toBe("(sealed)");
    expect(await reasonAs("admin")).toBe("(sealed)");
    const listed = (await get(`/credit/subjects/${subjectId}`, "credit-admin")).json().listings[0];
    expect(listed.sealedText).toBeUndefined();

    await post(`/credit/subjects/${subjectId}/erasure`, { request: "删除请求 2026-009" }, "admin");
    await settled();
    expect(await reasonAs("credit-admin")).toBe("(erased)");
    expect(await reasonAs("window-clerk")).toBe("(erased)");
  });

  it("refuses an ID number or a mobile number in an organisation's free text, naming the field and where it belongs", async () => {
    const subjectId = await registerOrg();
    const listings = `/credit/subjects/${subjectId}/listings`;
    const refused = await h
      .when({
        method: "POST",
        url: listings,
        as: "credit-admin",
        body: { ...blackListing(), reason: `法定代表人（身份证号${ID}）拒不履行` },
      })
      .thenRefused(400, ["body.reason"]);
    expect(JSON.stringify(refused.body)).toContain("POST /credit/subjects");
    await h
      .when({
        method: "POST",
        url: listings,
        as: "credit-admin",
        body: { ...blackListing(), legalBasis: "联系13912345678" },
      })
      .thenRefused(400, ["body.legalBasis"]);
    // A department's 18-character code is not an ID number: accepted.
    await h
      .when({
        method: "POST",
        url: listings,
        as: "credit-admin",
        body: { ...blackListing(), reason: `经${market.creditCode}核查，被吊销食品经营许可证` },
      })
      .thenAppended(201, wire.ListingProposed, wire.NoticeIssued);
    await h
      .when({
        method: "POST",
        url: `${listings}/L1/objection`,
        as: { role: "applicant", sub: subjectId },
        body: { grounds: "请联系经办人 13812345678" },
      })
      .thenRefused(400, ["body.grounds"]);
    await h
      .when({
        method: "POST",
        url: `${listings}/L1/withdraw`,
        as: "credit-admin",
        body: { reason: `误录${ID}` },
      })
      .thenRefused(400, ["body.reason"]);
  });
});
