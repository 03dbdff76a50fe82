import { type CommandMetadata, NotFound, RuleViolation, StateConflict } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, expect, it } from "vitest";
import { addMonths } from "../dates.ts";
import { type MeasuresList, measuresV1 } from "../measures.ts";
import type { ListingInput, SubjectCommand } from "./commands.ts";
import { subjectDecider } from "./decide.ts";
import type { SubjectEvent } from "./subject.ts";

const ORG = "O91350100M000100Y43";
const PERSON = `P${"a".repeat(32)}`;
const at = (date: string): CommandMetadata => ({
  now: `${date}T10:00:00+08:00`,
  actor: { id: "credit-admin-1", role: "credit-admin" },
});
const dept = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };

const spec = deciderSpec(subjectDecider(measuresV1));

const orgRegistered: SubjectEvent = {
  type: "SubjectRegistered",
  data: {
    subjectId: ORG,
    kind: "organisation",
    organisation: { creditCode: ORG.slice(1), name: "杭州某餐饮管理有限公司", checksumOk: true },
  },
};
const personRegistered: SubjectEvent = {
  type: "SubjectRegistered",
  data: { subjectId: PERSON, kind: "person" },
};

const listing = (over: Partial<ListingInput> = {}): ListingInput => ({
  listingId: "L1",
  list: "black",
  severity: "serious",
  issuingDepartment: dept,
  legalBasis: "《中华人民共和国食品安全法》第一百三十五条",
  reason: "被吊销食品经营许可证",
  source: { kind: "manual" },
  ...over,
});
const propose = (date: string, over: Partial<ListingInput> = {}): SubjectCommand => ({
  type: "ProposeListing",
  data: listing(over),
  metadata: at(date),
});
const cmd = <T extends SubjectCommand["type"]>(
  type: T,
  data: Extract<SubjectCommand, { type: T }>["data"],
  date: string,
) => ({ type, data, metadata: at(date) }) as SubjectCommand;

/** The events of proposing L1 (black, serious) on 2026-05-06. */
const proposedSerious = spec.given(orgRegistered).when(propose("2026-05-06")).events();

describe("credit subject: registration", () => {
  it("registers a subject once; registering again changes nothing", () => {
    spec
      .given()
      .when(cmd("RegisterSubject", orgRegistered.data, "2026-05-06"))
      .then(orgRegistered);
    spec
      .given(orgRegistered)
      .when(cmd("RegisterSubject", orgRegistered.data, "2026-05-06"))
      .thenNothingHappened();
  });
  it("refuses any other command for an unknown subject", () => {
    spec.given().when(propose("2026-05-06")).thenThrows(NotFound);
  });
});

describe("credit subject: proposing entries (信用修复管理办法; 国发〔2016〕33号)", () => {
  it("严重: disclosed 1–3 years (信用修复管理办法), told first with a 15-day objection window", () => {
    expect(proposedSerious).toEqual([
      {
        type: "ListingProposed",
        data: expect.objectContaining({
          listingId: "L1",
          severity: "serious",
          startDate: "2026-05-06",
          minDisclosureUntil: "2027-05-06",
          maxDisclosureUntil: "2029-05-06",
          measuresVersion: measuresV1.version,
        }),
      },
      {
        type: "NoticeIssued",
        data: { subjectId: ORG, listingId: "L1", noticeDate: "2026-05-06", objectionDeadline: "2026-05-21" },
      },
    ]);
  });

  it("一般: disclosed 3 months – 1 year (信用修复管理办法)", () => {
    const [proposed] = spec
      .given(orgRegistered)
      .when(propose("2026-11-30", { severity: "general" }))
      .events();
    expect(proposed?.data).toMatchObject({
      minDisclosureUntil: "2027-02-28",
      maxDisclosureUntil: "2027-11-30",
    });
  });

  it("a black-list entry does not change the status before it takes effect", () => {
    expect(proposedSerious.map((e) => e.type)).not.toContain("CreditStatusChanged");
  });

  it("red list (守信激励): effective at once for 3 years, green channel", () => {
    const events = spec
      .given(orgRegistered)
      .when(propose("2026-05-06", { list: "red", severity: undefined, reason: "纳税信用A级" }))
      .events();
    expect(events.map((e) => e.type)).toEqual([
      "ListingProposed",
      "ListingTookEffect",
      "CreditStatusChanged",
    ]);
    expect(events[0]?.data).toMatchObject({ maxDisclosureUntil: "2029-05-06" });
    expect(events[2]?.data).toMatchObject({
      status: "green-channel",
      measures: { deferredMaterials: true, priority: true, heightenedInspection: false },
      causes: [{ listingId: "L1", list: "red" }],
    });
  });

  it.each([
    ["a black-list entry without a severity", { severity: undefined }, "severity"],
    ["a red-list entry with a severity", { list: "red", severity: "general" }, "severity"],
    [
      "经营异常名录 without one of its four grounds (国家工商行政管理总局令第68号 第四条)",
      { list: "abnormal-operation", severity: undefined },
      "ground",
    ],
    [
      "a severity on a 经营异常名录 entry: not penalty information (国家工商行政管理总局令第68号)",
      { list: "abnormal-operation", severity: "general", ground: "annual-report-not-filed" },
      "severity",
    ],
    [
      "an end date on a 经营异常名录 entry: listed until removed (国家工商行政管理总局令第68号)",
      {
        list: "abnormal-operation",
        severity: undefined,
        ground: "annual-report-not-filed",
        validUntil: "2027-01-01",
      },
      "validUntil",
    ],
    ["a ground outside 经营异常名录", { ground: "false-information" }, "ground"],
    ["an end date on a punitive entry", { validUntil: "2030-01-01" }, "validUntil"],
  ] as const)("refuses %s", (_, over, field) => {
    const run = () =>
      spec
        .given(orgRegistered)
        .when(propose("2026-05-06", over as Partial<ListingInput>))
        .events();
    expect(run).toThrow(RuleViolation);
    try {
      run();
    } catch (error) {
      expect((error as RuleViolation).problems.map((p) => p.field)).toContain(field);
    }
  });

  it("refuses 经营异常名录 for a person (market entities only)", () => {
    spec
      .given(personRegistered)
      .when(
        propose("2026-05-06", {
          list: "abnormal-operation",
          severity: undefined,
          ground: "unreachable-at-address",
        }),
      )
      .thenThrows(/organisations only/);
  });

  it("refuses a red-list entry while a black-list entry is pending or effective (守信激励: no bad record)", () => {
    spec
      .given(orgRegistered, ...proposedSerious)
      .when(propose("2026-05-07", { listingId: "R1", list: "red", severity: undefined }))
      .thenThrows(/black-list or 经营异常 entry \(L1\)/);
  });

  it("refuses a second entry with the same id (409)", () => {
    spec
      .given(orgRegistered, ...proposedSerious)
      .when(propose("2026-05-07"))
      .thenThrows(StateConflict);
  });
});

describe("credit subject: objection (due process, 国办发〔2020〕49号)", () => {
  const objected = spec
    .given(orgRegistered, ...proposedSerious)
    .when(cmd("FileObjection", { listingId: "L1", grounds: "许可证已依法注销，非吊销" }, "2026-05-21"))
    .events();

  it("takes an objection up to and including the deadline", () => {
    expect(objected).toEqual([
      {
        type: "ObjectionFiled",
        data: { subjectId: ORG, listingId: "L1", grounds: "许可证已依法注销，非吊销", filedOn: "2026-05-21" },
      },
    ]);
  });

  it("refuses an objection after the window closed (409)", () => {
    spec
      .given(orgRegistered, ...proposedSerious)
      .when(cmd("FileObjection", { listingId: "L1", grounds: "迟到的异议" }, "2026-05-22"))
      .thenThrows(/closed on 2026-05-21/);
  });

  it("an upheld objection withdraws the entry; the status never changed", () => {
    spec
      .given(orgRegistered, ...proposedSerious, ...objected)
      .when(cmd("DecideObjection", { listingId: "L1", upheld: true, reasons: "异议成立" }, "2026-05-25"))
      .then(
        {
          type: "ObjectionUpheld",
          data: { subjectId: ORG, listingId: "L1", reasons: "异议成立", decidedOn: "2026-05-25" },
        },
        {
          type: "ListingWithdrawn",
          data: { subjectId: ORG, listingId: "L1", reason: "objection upheld", withdrawnOn: "2026-05-25" },
        },
      );
  });

  it("a dismissed objection after the window lets the entry take effect at once: strict review", () => {
    const events = spec
      .given(orgRegistered, ...proposedSerious, ...objected)
      .when(cmd("DecideObjection", { listingId: "L1", upheld: false, reasons: "异议不成立" }, "2026-05-25"))
      .events();
    expect(events.map((e) => e.type)).toEqual([
      "ObjectionDismissed",
      "ListingTookEffect",
      "CreditStatusChanged",
    ]);
    expect(events[2]?.data).toMatchObject({
      status: "strict-review",
      measures: {
        deferredMaterials: false,
        informedCommitment: false,
        autoApproval: false,
        heightenedInspection: true,
      },
    });
  });

  it("refuses to decide an objection that was never filed (409)", () => {
    spec
      .given(orgRegistered, ...proposedSerious)
      .when(cmd("DecideObjection", { listingId: "L1", upheld: true, reasons: "x" }, "2026-05-25"))
      .thenThrows(StateConflict);
  });
});

describe("credit subject: taking effect (scheduled, idempotent)", () => {
  it("does nothing while the objection window is open", () => {
    spec
      .given(orgRegistered, ...proposedSerious)
      .when(cmd("TakeEffect", { listingId: "L1" }, "2026-05-21"))
      .thenNothingHappened();
  });

  const effective = spec
    .given(orgRegistered, ...proposedSerious)
    .when(cmd("TakeEffect", { listingId: "L1" }, "2026-05-22"))
    .events();

  it("takes effect the day after the window closes, with the strict-review status", () => {
    expect(effective.map((e) => e.type)).toEqual(["ListingTookEffect", "CreditStatusChanged"]);
  });

  it("does nothing the second time", () => {
    spec
      .given(orgRegistered, ...proposedSerious, ...effective)
      .when(cmd("TakeEffect", { listingId: "L1" }, "2026-06-01"))
      .thenNothingHappened();
  });

  it("strict review wins over the green channel when both lists hold an entry (measures list precedence)", () => {
    const red: SubjectEvent[] = [
      {
        type: "ListingProposed",
        data: {
          ...(proposedSerious[0]?.data as Extract<SubjectEvent, { type: "ListingProposed" }>["data"]),
          listingId: "R0",
          list: "red",
          severity: undefined,
        },
      },
      { type: "ListingTookEffect", data: { subjectId: ORG, listingId: "R0", effectiveFrom: "2026-05-01" } },
    ];
    const events = spec
      .given(orgRegistered, ...red, ...proposedSerious)
      .when(cmd("TakeEffect", { listingId: "L1" }, "2026-05-22"))
      .events();
    expect(events.at(-1)?.data).toMatchObject({ status: "strict-review", causes: [{ listingId: "L1" }] });
  });
});

describe("credit subject: repair (信用修复管理办法)", () => {
  const effective = [
    ...proposedSerious,
    ...spec
      .given(orgRegistered, ...proposedSerious)
      .when(cmd("TakeEffect", { listingId: "L1" }, "2026-05-22"))
      .events(),
  ];
  const repair = (date: string, over: Partial<{ creditPromise: boolean; dutiesPerformed: string[] }> = {}) =>
    cmd(
      "RequestRepair",
      { listingId: "L1", dutiesPerformed: ["已缴清罚款"], creditPromise: true, ...over },
      date,
    );

  it("refuses a repair before the minimum period (严重: 1 year)", () => {
    spec
      .given(orgRegistered, ...effective)
      .when(repair("2027-05-05"))
      .thenThrows(/from 2027-05-06/);
  });

  it("refuses a repair without a credit promise or duties performed (400)", () => {
    spec
      .given(orgRegistered, ...effective)
      .when(repair("2027-05-06", { creditPromise: false }))
      .thenThrows(RuleViolation);
    spec
      .given(orgRegistered, ...effective)
      .when(repair("2027-05-06", { dutiesPerformed: [] }))
      .thenThrows(RuleViolation);
  });

  const requested = spec
    .given(orgRegistered, ...effective)
    .when(repair("2027-05-06"))
    .events();

  it("takes a repair request from the end of the minimum period", () => {
    expect(requested.map((e) => e.type)).toEqual(["RepairRequested"]);
  });

  it("refuses a second request while one is pending (409)", () => {
    spec
      .given(orgRegistered, ...effective, ...requested)
      .when(repair("2027-05-07"))
      .thenThrows(/already has a repair/);
  });

  it("an approved repair ends the entry: status back to normal", () => {
    const events = spec
      .given(orgRegistered, ...effective, ...requested)
      .when(
        cmd(
          "DecideRepair",
          { listingId: "L1", approved: true, reasons: "已履行义务并作出信用承诺" },
          "2027-05-10",
        ),
      )
      .events();
    expect(events.map((e) => e.type)).toEqual(["RepairApproved", "CreditStatusChanged"]);
    expect(events[1]?.data).toMatchObject({ status: "normal", causes: [] });
  });

  it("a refused repair keeps the entry; a new request may follow", () => {
    const refused = spec
      .given(orgRegistered, ...effective, ...requested)
      .when(cmd("DecideRepair", { listingId: "L1", approved: false, reasons: "罚款未缴清" }, "2027-05-10"))
      .events();
    expect(refused.map((e) => e.type)).toEqual(["RepairRefused"]);
    expect(
      spec
        .given(orgRegistered, ...effective, ...requested, ...refused)
        .when(repair("2027-05-11"))
        .events(),
    ).toHaveLength(1);
  });

  it("refuses a repair of an entry that is not yet effective (409)", () => {
    spec
      .given(orgRegistered, ...proposedSerious)
      .when(repair("2027-05-06"))
      .thenThrows(StateConflict);
  });
});

describe("credit subject: automatic expiry at the maximum period (信用修复管理办法)", () => {
  const effective = [
    ...proposedSerious,
    ...spec
      .given(orgRegistered, ...proposedSerious)
      .when(cmd("TakeEffect", { listingId: "L1" }, "2026-05-22"))
      .events(),
  ];
  it("does nothing before the maximum (严重: 3 years)", () => {
    spec
      .given(orgRegistered, ...effective)
      .when(cmd("ExpireListing", { listingId: "L1" }, "2029-05-05"))
      .thenNothingHappened();
  });
  const expired = spec
    .given(orgRegistered, ...effective)
    .when(cmd("ExpireListing", { listingId: "L1" }, "2029-05-06"))
    .events();
  it("expires on the maximum date and the status returns to normal", () => {
    expect(expired.map((e) => e.type)).toEqual(["ListingExpired", "CreditStatusChanged"]);
  });
  it("is idempotent", () => {
    spec
      .given(orgRegistered, ...effective, ...expired)
      .when(cmd("ExpireListing", { listingId: "L1" }, "2029-06-01"))
      .thenNothingHappened();
  });
});

describe("credit subject: the measures list is data", () => {
  it("another version's periods and objection window apply without code changes", () => {
    const v2: MeasuresList = {
      ...measuresV1,
      version: "test-v2",
      objectionDays: 5,
      periods: { ...measuresV1.periods, serious: { minMonths: 6, maxMonths: 24, basis: "test" } },
    };
    const events = deciderSpec(subjectDecider(v2)).given(orgRegistered).when(propose("2026-05-06")).events();
    expect(events[0]?.data).toMatchObject({
      minDisclosureUntil: addMonths("2026-05-06", 6),
      maxDisclosureUntil: "2028-05-06",
      measuresVersion: "test-v2",
    });
    expect(events[1]?.data).toMatchObject({ objectionDeadline: "2026-05-11" });
  });
});

describe("credit subject: erasure (个人信息保护法 第四十七条), requested before the key is destroyed, then confirmed", () => {
  const requested: SubjectEvent = {
    type: "ErasureRequested",
    data: { subjectId: PERSON, requestedOn: "2026-06-01", request: "个人信息删除请求 2026-001" },
  };
  const erased: SubjectEvent = {
    type: "IdentityErased",
    data: { subjectId: PERSON, erasedOn: "2026-06-01", request: "个人信息删除请求 2026-001" },
  };

  it("records a person's erasure request once; organisations have no personal identity to erase", () => {
    spec
      .given(personRegistered)
      .when(cmd("RequestErasure", { request: "个人信息删除请求 2026-001" }, "2026-06-01"))
      .then(requested);
    spec
      .given(orgRegistered)
      .when(cmd("RequestErasure", { request: "x" }, "2026-06-01"))
      .thenThrows(StateConflict);
    spec
      .given(orgRegistered)
      .when(cmd("EraseIdentity", {}, "2026-06-01"))
      .thenThrows(StateConflict);
  });

  it("a repeated request while one is under way or done records nothing new (a retry goes on with the first)", () => {
    spec
      .given(personRegistered, requested)
      .when(cmd("RequestErasure", { request: "个人信息删除请求 2026-002" }, "2026-06-02"))
      .thenNothingHappened();
    spec
      .given(personRegistered, requested, erased)
      .when(cmd("RequestErasure", { request: "个人信息删除请求 2026-002" }, "2026-06-02"))
      .thenNothingHappened();
  });

  it("confirms the erasure of the request under way, once; never without a recorded request", () => {
    spec
      .given(personRegistered, requested)
      .when(cmd("EraseIdentity", {}, "2026-06-02"))
      .then({
        type: "IdentityErased",
        data: { subjectId: PERSON, erasedOn: "2026-06-02", request: "个人信息删除请求 2026-001" },
      });
    spec
      .given(personRegistered, requested, erased)
      .when(cmd("EraseIdentity", {}, "2026-06-02"))
      .thenNothingHappened();
    spec
      .given(personRegistered)
      .when(cmd("EraseIdentity", {}, "2026-06-02"))
      .thenThrows(StateConflict);
  });
});

describe("credit subject: 经营异常名录 lasts until removed (企业经营异常名录管理暂行办法 国家工商行政管理总局令第68号)", () => {
  const abnormal = (date: string, over: Partial<ListingInput> = {}) =>
    propose(date, {
      listingId: "A1",
      list: "abnormal-operation",
      severity: undefined,
      ground: "annual-report-not-filed",
      legalBasis: "《企业信息公示暂行条例》第十七条",
      reason: "未按规定于6月30日前报送2025年度年度报告",
      ...over,
    });
  const proposed = spec.given(orgRegistered).when(abnormal("2026-05-06")).events();
  const tookEffect = spec
    .given(orgRegistered, ...proposed)
    .when(cmd("TakeEffect", { listingId: "A1" }, "2026-05-22"))
    .events();
  const listed = [orgRegistered, ...proposed, ...tookEffect];
  const removal = (date: string, rectification = ["已补报2025年度年度报告并公示"]) =>
    cmd("RequestAbnormalOperationRemoval", { listingId: "A1", rectification }, date);
  const decide = (date: string, approved: boolean, reasons = "已补报并公示年度报告") =>
    cmd("DecideAbnormalOperationRemoval", { listingId: "A1", approved, reasons }, date);
  const move = (date: string, listingId = "A1") =>
    cmd("MoveToSeriousIllegalDishonestyList", { listingId }, date);

  it("第四条: one of the four grounds, no severity, no disclosure period; told first like any punitive entry", () => {
    expect(proposed).toEqual([
      {
        type: "AbnormalOperationListingProposed",
        data: {
          subjectId: ORG,
          listingId: "A1",
          ground: "annual-report-not-filed",
          issuingDepartment: dept,
          legalBasis: "《企业信息公示暂行条例》第十七条",
          reason: "未按规定于6月30日前报送2025年度年度报告",
          startDate: "2026-05-06",
          seriousListOn: "2029-05-06",
          source: { kind: "manual" },
          measuresVersion: measuresV1.version,
        },
      },
      {
        type: "NoticeIssued",
        data: { subjectId: ORG, listingId: "A1", noticeDate: "2026-05-06", objectionDeadline: "2026-05-21" },
      },
    ]);
    expect(tookEffect.map((e) => e.type)).toEqual(["ListingTookEffect", "CreditStatusChanged"]);
    expect(tookEffect[1]?.data).toMatchObject({
      status: "strict-review",
      causes: [{ listingId: "A1", list: "abnormal-operation" }],
    });
  });

  it("never expires: not penalty information, so no maximum disclosure period (国家工商行政管理总局令第68号)", () => {
    spec
      .given(...listed)
      .when(cmd("ExpireListing", { listingId: "A1" }, "2027-05-06"))
      .thenNothingHappened();
    spec
      .given(...listed)
      .when(cmd("ExpireListing", { listingId: "A1" }, "2040-01-01"))
      .thenNothingHappened();
  });

  it("an entry recorded with a severity and a period before (ListingProposed) does not expire either", () => {
    const legacy: SubjectEvent[] = [
      {
        type: "ListingProposed",
        data: {
          subjectId: ORG,
          listingId: "A0",
          list: "abnormal-operation",
          severity: "general",
          ground: "annual-report-not-filed",
          issuingDepartment: dept,
          legalBasis: "《企业信息公示暂行条例》第十七条",
          reason: "未报年报",
          startDate: "2026-01-10",
          minDisclosureUntil: "2026-04-10",
          maxDisclosureUntil: "2027-01-10",
          source: { kind: "manual" },
          measuresVersion: measuresV1.version,
        },
      },
      { type: "ListingTookEffect", data: { subjectId: ORG, listingId: "A0", effectiveFrom: "2026-01-26" } },
    ];
    spec
      .given(orgRegistered, ...legacy)
      .when(cmd("ExpireListing", { listingId: "A0" }, "2027-01-10"))
      .thenNothingHappened();
    // …and moves to the 严重违法失信名单 three years after listing, by the measures list's period.
    spec
      .given(orgRegistered, ...legacy)
      .when(move("2029-01-09", "A0"))
      .thenNothingHappened();
    const moved = spec
      .given(orgRegistered, ...legacy)
      .when(move("2029-01-10", "A0"))
      .events();
    expect(moved[0]?.type).toBe("MovedToSeriousIllegalDishonestyList");
  });

  it("ends by removal (移出), not by credit repair (409)", () => {
    spec
      .given(...listed)
      .when(
        cmd(
          "RequestRepair",
          { listingId: "A1", dutiesPerformed: ["已补报年报"], creditPromise: true },
          "2026-06-01",
        ),
      )
      .thenThrows(/removal \(移出\)/);
  });

  describe("removal (移出): the company rectifies and applies, a credit administrator decides", () => {
    const requested = spec
      .given(...listed)
      .when(removal("2026-07-01"))
      .events();

    it("takes an application naming what was rectified", () => {
      expect(requested).toEqual([
        {
          type: "AbnormalOperationRemovalRequested",
          data: {
            subjectId: ORG,
            listingId: "A1",
            rectification: ["已补报2025年度年度报告并公示"],
            requestedOn: "2026-07-01",
          },
        },
      ]);
    });

    it("refuses an application that says nothing was rectified (400 naming rectification)", () => {
      const run = () =>
        spec
          .given(...listed)
          .when(removal("2026-07-01", [" "]))
          .events();
      expect(run).toThrow(RuleViolation);
      expect(() => run()).toThrow(
        expect.objectContaining({ problems: [expect.objectContaining({ field: "rectification" })] }),
      );
    });

    it("refuses an application before the entry is listed, a second one while one is pending, and one for a black-list entry (409)", () => {
      spec
        .given(orgRegistered, ...proposed)
        .when(removal("2026-05-10"))
        .thenThrows(/not listed \(notified\)/);
      spec
        .given(...listed, ...requested)
        .when(removal("2026-07-02"))
        .thenThrows(/already has a removal/);
      spec
        .given(orgRegistered, ...proposedSerious)
        .when(cmd("RequestAbnormalOperationRemoval", { listingId: "L1", rectification: ["x"] }, "2026-07-01"))
        .thenThrows(/not on the 经营异常名录/);
    });

    it("approved: removed with the decision and its date, and the status returns to normal", () => {
      const events = spec
        .given(...listed, ...requested)
        .when(decide("2026-07-03", true))
        .events();
      expect(events).toEqual([
        {
          type: "AbnormalOperationRemoved",
          data: { subjectId: ORG, listingId: "A1", reasons: "已补报并公示年度报告", decidedOn: "2026-07-03" },
        },
        expect.objectContaining({
          type: "CreditStatusChanged",
          data: expect.objectContaining({ status: "normal", causes: [], asOf: "2026-07-03" }),
        }),
      ]);
      // Once removed, nothing moves it any more.
      spec
        .given(...listed, ...requested, ...events)
        .when(move("2029-05-06"))
        .thenNothingHappened();
      spec
        .given(...listed, ...requested, ...events)
        .when(decide("2026-07-04", true))
        .thenThrows(StateConflict);
    });

    it("refused: stays listed with the reasons; a new application may follow", () => {
      const refused = spec
        .given(...listed, ...requested)
        .when(decide("2026-07-03", false, "年度报告仍未公示"))
        .then({
          type: "AbnormalOperationRemovalRefused",
          data: { subjectId: ORG, listingId: "A1", reasons: "年度报告仍未公示", decidedOn: "2026-07-03" },
        });
      // Still listed: no status change, and the 3-year move still applies.
      spec
        .given(...listed, ...requested, ...refused)
        .when(move("2029-05-05"))
        .thenNothingHappened();
      expect(
        spec
          .given(...listed, ...requested, ...refused)
          .when(removal("2026-07-10"))
          .events(),
      ).toHaveLength(1);
    });

    it("refuses a decision without a pending application (409)", () => {
      spec
        .given(...listed)
        .when(decide("2026-07-03", true))
        .thenThrows(/no removal application/);
    });
  });

  describe("列入经营异常名录届满三年仍未履行相关义务 → 严重违法失信名单 (国家市场监督管理总局令第44号)", () => {
    it("does nothing a day before three years (国家市场监督管理总局令第44号)", () => {
      spec
        .given(...listed)
        .when(move("2029-05-05"))
        .thenNothingHappened();
    });

    const moved = spec
      .given(...listed)
      .when(move("2029-05-06"))
      .events();

    it("moves exactly three years after listing: a black-list entry (严重), strict review, the basis recorded (国家市场监督管理总局令第44号)", () => {
      expect(moved).toEqual([
        {
          type: "MovedToSeriousIllegalDishonestyList",
          data: {
            subjectId: ORG,
            listingId: "A1",
            seriousListingId: "A1-SIL",
            list: "black",
            severity: "serious",
            issuingDepartment: dept,
            legalBasis: measuresV1.abnormalOperation.basis,
            reason: expect.stringContaining("届满3年仍未履行相关义务"),
            movedOn: "2029-05-06",
            minDisclosureUntil: "2030-05-06",
            maxDisclosureUntil: "2032-05-06",
            measuresVersion: measuresV1.version,
          },
        },
        {
          type: "CreditStatusChanged",
          data: expect.objectContaining({
            status: "strict-review",
            measures: measuresV1.measures["strict-review"],
            causes: [{ listingId: "A1-SIL", list: "black", severity: "serious" }],
            asOf: "2029-05-06",
          }),
        },
      ]);
      expect(moved[0]?.data).toMatchObject({
        legalBasis: expect.stringContaining("国家市场监督管理总局令第44号"),
      });
    });

    it("is idempotent: the second run moves nothing", () => {
      spec
        .given(...listed, ...moved)
        .when(move("2029-05-07"))
        .thenNothingHappened();
    });

    it("waits while a removal application is pending; a refusal lets the next run move it", () => {
      const requested = spec
        .given(...listed)
        .when(removal("2029-05-01"))
        .events();
      spec
        .given(...listed, ...requested)
        .when(move("2029-05-06"))
        .thenNothingHappened();
      const refused = spec
        .given(...listed, ...requested)
        .when(decide("2029-05-08", false, "未补报"))
        .events();
      expect(
        spec
          .given(...listed, ...requested, ...refused)
          .when(move("2029-05-09"))
          .events()[0]?.type,
      ).toBe("MovedToSeriousIllegalDishonestyList");
    });

    it("the new entry is a black-list entry with its own periods: repair after 1 year, expiry at 3 (信用修复管理办法)", () => {
      const effective = [...listed, ...moved];
      spec
        .given(...effective)
        .when(
          cmd(
            "RequestRepair",
            { listingId: "A1-SIL", dutiesPerformed: ["已补报"], creditPromise: true },
            "2030-05-05",
          ),
        )
        .thenThrows(/from 2030-05-06/);
      const expired = spec
        .given(...effective)
        .when(cmd("ExpireListing", { listingId: "A1-SIL" }, "2032-05-06"))
        .events();
      expect(expired.map((e) => e.type)).toEqual(["ListingExpired", "CreditStatusChanged"]);
      // The 经营异常名录 entry has ended: no removal any more.
      spec
        .given(...effective)
        .when(removal("2029-06-01"))
        .thenThrows(/moved-to-serious-list/);
    });

    it("the period is the measures list's: another version moves after 2 years without code changes", () => {
      const v2: MeasuresList = {
        ...measuresV1,
        version: "test-v2",
        abnormalOperation: { ...measuresV1.abnormalOperation, seriousListAfterMonths: 24 },
      };
      const v2spec = deciderSpec(subjectDecider(v2));
      const p = v2spec.given(orgRegistered).when(abnormal("2026-05-06")).events();
      expect(p[0]?.data).toMatchObject({ seriousListOn: "2028-05-06" });
      const t = v2spec
        .given(orgRegistered, ...p)
        .when(cmd("TakeEffect", { listingId: "A1" }, "2026-05-22"))
        .events();
      v2spec
        .given(orgRegistered, ...p, ...t)
        .when(move("2028-05-05"))
        .thenNothingHappened();
      expect(
        v2spec
          .given(orgRegistered, ...p, ...t)
          .when(move("2028-05-06"))
          .events()[0]?.data,
      ).toMatchObject({
        reason: expect.stringContaining("届满2年"),
        measuresVersion: "test-v2",
      });
    });
  });
});
