import { officialCalendar } from "@gov/calendar";
import type { DeferralPromise, MaterialProvision, MatterMaterial } from "@gov/contracts";
import { type CommandMetadata, NotFound, RuleViolation, StateConflict } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, expect, it } from "vitest";
import type { ApplicationEvent } from "./application.ts";
import type { ApplicationCommand, CheckApplication, SubmitApplication } from "./commands.ts";
import { applicationDecider } from "./decide.ts";
import {
  applicant,
  file,
  greenCredit,
  hygieneMatter,
  hygieneRequirements,
  normalCredit,
  strictCredit,
} from "./fixtures.ts";

const at = (date: string): CommandMetadata => ({
  now: `${date}T10:00:00+08:00`,
  actor: { id: "clerk-1", role: "window-clerk", region: "330100" },
});
const decider = applicationDecider(officialCalendar());
const spec = deciderSpec(decider, { metadata: at("2026-09-29") });
const { given } = spec;
const code = (date: string, serial = "0001") =>
  `${hygieneMatter.implementationCode}${date.replaceAll("-", "")}${serial}`;

const provided = (id: string): MaterialProvision => ({
  materialId: id,
  provision: "provided",
  file: file(id),
});
const complete: MaterialProvision[] = [
  provided("M01"),
  { materialId: "LIC", provision: "certificate", certificateId: "ZZ-330106-2025-000123" },
  provided("M03"),
  provided("M04"),
];
const submit = (
  date: string,
  materials: MaterialProvision[] = complete,
  over: Partial<SubmitApplication["data"]> = {},
): SubmitApplication => ({
  type: "SubmitApplication",
  data: {
    applicationId: "A1",
    matter: hygieneMatter,
    requirements: hygieneRequirements,
    applicant,
    channel: "window",
    materials,
    informedCommitmentRequested: false,
    credit: normalCredit,
    ...over,
  },
  metadata: at(date),
});
const check = (
  date: string,
  caseNumber?: string,
  defects: { materialId: string; note: string }[] = [],
  deferralPromise?: DeferralPromise,
): CheckApplication => ({
  type: "CheckApplication",
  data: { defects, ...(caseNumber ? { caseNumber } : {}), ...(deferralPromise ? { deferralPromise } : {}) },
  metadata: at(date),
});
/** The applicant's signed 承诺书 to supply `materialIds` by `supplyBy` (signed by its legal representative). */
const promiseOf = (materialIds: string[], supplyBy: string, signedAt = "2026-09-30T09:30:00+08:00") => ({
  materialIds,
  supplyBy,
  signature: { file: file("promise"), signedAt, signedBy: `P${"0".repeat(32)}` },
});
const submitted = (
  date: string,
  ...args: Parameters<typeof submit> extends [string, ...infer R] ? R : never
) =>
  given()
    .when(submit(date, ...args))
    .events();
const types = (events: ApplicationEvent[]) => events.map((e) => e.type);
/** The materials an ApplicationSubmitted recorded. */
const recorded = (event: ApplicationEvent | undefined) => {
  if (event?.type !== "ApplicationSubmitted") throw new Error(`not a submission: ${event?.type}`);
  return event.data.materials;
};

describe("intake: submission", () => {
  it("records the matter version, the applicant's subject id, the materials and the credit seen", () => {
    const [event] = submitted("2026-09-29");
    expect(event).toMatchObject({
      type: "ApplicationSubmitted",
      data: {
        receivedOn: "2026-09-29",
        matter: { version: 1 },
        applicant,
        flags: [],
        requirements: hygieneRequirements,
      },
    });
  });

  it("flags strict-review and green-channel subjects (credit gate)", () => {
    expect(submitted("2026-09-29", complete, { credit: strictCredit })[0]?.data).toMatchObject({
      flags: ["strict-review"],
    });
    expect(submitted("2026-09-29", complete, { credit: greenCredit })[0]?.data).toMatchObject({
      flags: ["green-channel"],
    });
  });

  it.each<[string, MaterialProvision[], string]>([
    ["a material the matter does not ask for", [provided("X9")], "materials[0].materialId"],
    ["the same material twice", [provided("M01"), provided("M01")], "materials[1].materialId"],
    [
      "a certificate where none replaces the material",
      [{ materialId: "M01", provision: "certificate", certificateId: "c" }],
      "materials[0].provision",
    ],
    [
      "a promise without asking for 告知承诺",
      [{ materialId: "M03", provision: "promised" }],
      "materials[0].provision",
    ],
  ])("refuses %s (400 naming the field)", (_, materials, field) => {
    // A RuleViolation's message lists each problem as `field: message`.
    given().when(submit("2026-09-29", materials)).thenThrows(RuleViolation, `${field}: `);
  });
});

describe("intake: the completeness check → exactly one outcome", () => {
  it("受理: complete materials are accepted with a case number and the promised limit in working days across the National Day holiday", () => {
    const events = given(...submitted("2026-09-30"))
      .when(check("2026-09-30", code("2026-09-30")))
      .events();
    expect(events).toEqual([
      {
        type: "ApplicationAccepted",
        data: expect.objectContaining({
          caseNumber: code("2026-09-30"),
          mode: "complete",
          acceptedOn: "2026-09-30",
          promisedTimeLimitDays: 5,
          // 2026: 10/1–7 off, 10/10 (Saturday) a make-up working day → 10/8, 10/9, 10/10, 10/12, 10/13.
          dueOn: "2026-10-13",
        }),
      },
    ]);
    expect(events[0]?.data).toMatchObject({
      materials: expect.arrayContaining([{ materialId: "M05", provision: "missing" }]),
    });
  });

  it("needs a case number of 实施编码 + yyyyMMdd + 4 digits to accept", () => {
    given(...submitted("2026-09-30"))
      .when(check("2026-09-30"))
      .thenThrows(/case number/);
    given(...submitted("2026-09-30"))
      .when(check("2026-09-30", code("2026-09-29")))
      .thenThrows(RuleViolation);
  });

  it("补正 (一次性告知): ONE notice names every missing and defective material at once — never the 营业执照 the government holds (国发〔2022〕5号)", () => {
    given(...submitted("2026-09-29", [provided("M01")]))
      .when(check("2026-09-29", undefined, [{ materialId: "M01", note: "未加盖公章" }]))
      .then({
        type: "CorrectionRequested",
        data: {
          applicationId: "A1",
          noticeNumber: 1,
          noticeDate: "2026-09-29",
          items: [
            { materialId: "M01", name: "公共场所卫生许可申请表", problem: "defective", note: "未加盖公章" },
            { materialId: "M03", name: "卫生设施平面布局图", problem: "missing" },
            { materialId: "M04", name: "卫生管理制度", problem: "missing" },
          ],
        },
      });
  });

  const noticed = [
    ...submitted("2026-09-29", [provided("M01"), provided("M04")]),
    ...given(...submitted("2026-09-29", [provided("M01"), provided("M04")]))
      .when(check("2026-09-29"))
      .events(),
  ];
  const supplemented: ApplicationEvent = {
    type: "MaterialsSupplemented",
    data: {
      applicationId: "A1",
      materials: [{ materialId: "LIC", provision: "certificate", certificateId: "ZZ-1" }, provided("M03")],
      supplementedOn: "2026-09-30",
    },
  };

  it("after a supplement, a second notice may name only problems with what was newly supplied", () => {
    given(...noticed, supplemented)
      .when(check("2026-09-30", undefined, [{ materialId: "M01", note: "后来发现的问题" }]))
      .thenThrows(/not newly supplied/);
    const second = given(...noticed, supplemented)
      .when(check("2026-09-30", undefined, [{ materialId: "M03", note: "图纸不清晰" }]))
      .events();
    expect(second[0]).toMatchObject({
      type: "CorrectionRequested",
      data: { noticeNumber: 2, items: [{ materialId: "M03", problem: "defective" }] },
    });
    expect(
      types(
        given(...noticed, supplemented)
          .when(check("2026-09-30", code("2026-09-30")))
          .events(),
      ),
    ).toEqual(["ApplicationAccepted"]);
  });

  it("takes supplements only while a notice is open (409 otherwise)", () => {
    const supplement: ApplicationCommand = {
      type: "SupplementMaterials",
      data: { materials: [provided("M03")] },
      metadata: at("2026-09-30"),
    };
    given(...submitted("2026-09-29"))
      .when(supplement)
      .thenThrows(StateConflict);
    expect(
      types(
        given(...noticed)
          .when(supplement)
          .events(),
      ),
    ).toEqual(["MaterialsSupplemented"]);
  });

  it("容缺受理: only a 容缺后补 material missing → accepted on the applicant's signed promise, recorded with it (国发〔2022〕5号 容缺受理)", () => {
    const promise = promiseOf(["M04"], "2026-10-13");
    const events = given(
      ...submitted(
        "2026-09-30",
        complete.filter((x) => x.materialId !== "M04"),
      ),
    )
      .when(check("2026-09-30", code("2026-09-30"), [], promise))
      .events();
    expect(events[0]?.data).toMatchObject({
      mode: "deferred-materials",
      deferred: { materialIds: ["M04"], supplyBy: "2026-10-13", promise },
    });
    // An earlier promised date is the deadline.
    const earlier = given(
      ...submitted(
        "2026-09-30",
        complete.filter((x) => x.materialId !== "M04"),
      ),
    )
      .when(check("2026-09-30", code("2026-09-30"), [], promiseOf(["M04"], "2026-10-09")))
      .events();
    expect(earlier[0]?.data).toMatchObject({ deferred: { supplyBy: "2026-10-09" } });
  });

  it.each<[string, DeferralPromise | undefined, string]>([
    ["no promise at all", undefined, "deferralPromise: "],
    ["a promise naming other materials", promiseOf(["M03"], "2026-10-13"), "deferralPromise.materialIds: "],
    [
      "a supply date after the end of the promised time limit",
      promiseOf(["M04"], "2026-10-14"),
      "deferralPromise.supplyBy: ",
    ],
    [
      "a signature dated after the decision",
      promiseOf(["M04"], "2026-10-13", "2026-10-01T09:00:00+08:00"),
      "deferralPromise.signature.signedAt: ",
    ],
  ])(
    "容缺受理 refused with %s (400 naming the field; 国发〔2022〕5号, 西安市《容缺受理服务模式解释说明》 书面承诺)",
    (_, promise, field) => {
      given(
        ...submitted(
          "2026-09-30",
          complete.filter((x) => x.materialId !== "M04"),
        ),
      )
        .when(check("2026-09-30", code("2026-09-30"), [], promise))
        .thenThrows(RuleViolation, field);
    },
  );

  it("no 容缺 for a strict-review subject: a correction notice instead (credit gate, 国发〔2016〕33号)", () => {
    const events = given(
      ...submitted(
        "2026-09-30",
        complete.filter((x) => x.materialId !== "M04"),
        { credit: strictCredit },
      ),
    )
      .when(check("2026-09-30", code("2026-09-30")))
      .events();
    expect(events[0]).toMatchObject({
      type: "CorrectionRequested",
      data: { items: [{ materialId: "M04", problem: "missing" }] },
    });
  });

  it("no 容缺 when a main material is missing", () => {
    const events = given(
      ...submitted(
        "2026-09-30",
        complete.filter((x) => x.materialId !== "M03"),
      ),
    )
      .when(check("2026-09-30", code("2026-09-30")))
      .events();
    expect(types(events)).toEqual(["CorrectionRequested"]);
  });

  const promising = complete.map(
    (x): MaterialProvision => (x.materialId === "M03" ? { materialId: "M03", provision: "promised" } : x),
  );

  it("告知承诺: a promise replaces the material where the matter and the credit status allow it", () => {
    const events = given(...submitted("2026-09-30", promising, { informedCommitmentRequested: true }))
      .when(check("2026-09-30", code("2026-09-30")))
      .events();
    expect(events[0]?.data).toMatchObject({ mode: "informed-commitment" });
  });

  it("告知承诺 refused for a strict-review (black-listed) subject: the promised material must be provided", () => {
    const events = given(
      ...submitted("2026-09-30", promising, { informedCommitmentRequested: true, credit: strictCredit }),
    )
      .when(check("2026-09-30", code("2026-09-30")))
      .events();
    expect(events[0]).toMatchObject({
      type: "CorrectionRequested",
      data: {
        items: [
          { materialId: "M03", problem: "promise-not-allowed", note: expect.stringMatching(/credit status/) },
        ],
      },
    });
  });

  it("告知承诺 refused where the matter does not allow it", () => {
    const events = given(
      ...submitted("2026-09-30", promising, {
        informedCommitmentRequested: true,
        matter: { ...hygieneMatter, allowsInformedCommitment: false },
      }),
    )
      .when(check("2026-09-30", code("2026-09-30")))
      .events();
    expect(events[0]).toMatchObject({
      data: { items: [{ problem: "promise-not-allowed", note: expect.stringMatching(/matter/) }] },
    });
  });

  it("不予受理 with reason and legal basis; not after acceptance (409)", () => {
    const reject: ApplicationCommand = {
      type: "RejectApplication",
      data: {
        reason: "申请事项不属于本机关职权范围",
        legalBasis: "《中华人民共和国行政许可法》第三十二条第一款第（二）项",
      },
      metadata: at("2026-09-30"),
    };
    expect(
      types(
        given(...submitted("2026-09-30"))
          .when(reject)
          .events(),
      ),
    ).toEqual(["ApplicationRejected"]);
    const accepted = given(...submitted("2026-09-30"))
      .when(check("2026-09-30", code("2026-09-30")))
      .events();
    given(...submitted("2026-09-30"), ...accepted)
      .when(reject)
      .thenThrows(StateConflict);
  });
});

describe("intake: scheduled processes", () => {
  const deem = (date: string): ApplicationCommand => ({
    type: "DeemAccepted",
    data: { caseNumber: code("2026-09-29") },
    metadata: at(date),
  });

  it("行政许可法 第三十二条: no notice within 5 working days (across the holiday) → accepted as of the day of receipt", () => {
    // Received Tue 2026-09-29: 9/30, 10/8, 10/9, 10/10 (make-up), 10/12 are the 5 working days.
    given(...submitted("2026-09-29"))
      .when(deem("2026-10-12"))
      .thenNothingHappened();
    const events = given(...submitted("2026-09-29"))
      .when(deem("2026-10-13"))
      .events();
    expect(events[0]).toMatchObject({
      type: "ApplicationAccepted",
      data: { mode: "deemed", acceptedOn: "2026-09-29" },
    });
  });

  it("行政许可法 第三十二条 (deemed acceptance) does not apply once a notice was given", () => {
    const notice = given(...submitted("2026-09-29", [provided("M01")]))
      .when(check("2026-09-29"))
      .events();
    given(...submitted("2026-09-29", [provided("M01")]), ...notice)
      .when(deem("2026-10-20"))
      .thenNothingHappened();
  });

  const deferredAccepted = [
    ...submitted(
      "2026-09-30",
      complete.filter((x) => x.materialId !== "M04"),
    ),
    ...given(
      ...submitted(
        "2026-09-30",
        complete.filter((x) => x.materialId !== "M04"),
      ),
    )
      .when(check("2026-09-30", code("2026-09-30"), [], promiseOf(["M04"], "2026-10-13")))
      .events(),
  ];
  const terminate = (date: string): ApplicationCommand => ({
    type: "TerminateUnsupplied",
    data: {},
    metadata: at(date),
  });

  it("容缺 not supplied by the deadline → terminated the day after; once", () => {
    given(...deferredAccepted)
      .when(terminate("2026-10-13"))
      .thenNothingHappened();
    const events = given(...deferredAccepted)
      .when(terminate("2026-10-14"))
      .then({
        type: "ApplicationTerminated",
        data: { applicationId: "A1", reason: "deferred-materials-not-supplied", terminatedOn: "2026-10-14" },
      });
    given(...deferredAccepted, ...events)
      .when(terminate("2026-10-15"))
      .thenNothingHappened();
  });

  it("容缺 supplied in time → nothing to terminate", () => {
    const supplied = given(...deferredAccepted)
      .when({
        type: "SupplyDeferredMaterials",
        data: { materials: [provided("M04")] },
        metadata: at("2026-10-09"),
      })
      .events();
    expect(supplied[0]?.data).toMatchObject({ complete: true });
    given(...deferredAccepted, ...supplied)
      .when(terminate("2026-10-20"))
      .thenNothingHappened();
  });
});

describe("intake: withdrawal", () => {
  it("an applicant withdraws before a decision, not after (409); unknown applications are 404", () => {
    const withdraw: ApplicationCommand = {
      type: "WithdrawApplication",
      data: { reason: "不再经营" },
      metadata: at("2026-09-30"),
    };
    expect(
      types(
        given(...submitted("2026-09-30"))
          .when(withdraw)
          .events(),
      ),
    ).toEqual(["ApplicationWithdrawn"]);
    const accepted = given(...submitted("2026-09-30"))
      .when(check("2026-09-30", code("2026-09-30")))
      .events();
    given(...submitted("2026-09-30"), ...accepted)
      .when(withdraw)
      .thenThrows(StateConflict);
    given().when(withdraw).thenThrows(NotFound);
  });
});

describe("intake: what the government already holds is never asked for again (国发〔2022〕5号: 政府部门核发的材料一律免于提交; 国办发〔2018〕45号)", () => {
  const withoutLicence = complete.filter((x) => x.materialId !== "LIC");
  const obtainedLicence = {
    materialId: "LIC",
    provision: "obtained-by-department",
    obtainedBy: hygieneMatter.department,
    certificateType: "营业执照",
  };

  it("records a government-held material the applicant left out as obtained by the implementing department (部门间共享)", () => {
    const [event] = submitted("2026-09-29", withoutLicence);
    expect(recorded(event)).toEqual([...withoutLicence, obtainedLicence]);
    // A "missing" one is recorded the same way.
    const [missing] = submitted("2026-09-29", [
      ...withoutLicence,
      { materialId: "LIC", provision: "missing" },
    ]);
    expect(recorded(missing)).toContainEqual(obtainedLicence);
  });

  it("never names it in a correction notice, and it never blocks acceptance", () => {
    const notice = given(...submitted("2026-09-29", [provided("M01")]))
      .when(check("2026-09-29"))
      .events();
    expect(notice[0]).toMatchObject({ type: "CorrectionRequested" });
    expect(JSON.stringify(notice[0]?.data)).not.toContain('"LIC"');
    const accepted = given(...submitted("2026-09-30", withoutLicence))
      .when(check("2026-09-30", code("2026-09-30")))
      .events();
    expect(accepted[0]).toMatchObject({ type: "ApplicationAccepted", data: { mode: "complete" } });
    expect(accepted[0]?.data).toMatchObject({ materials: expect.arrayContaining([obtainedLicence]) });
  });

  it("a 专利权有效的证明 (source government, no electronic certificate) is obtained too, without a certificate type", () => {
    const patentRequirements: MatterMaterial[] = [
      hygieneRequirements[0] as MatterMaterial,
      {
        ...(hygieneRequirements[0] as MatterMaterial),
        id: "M02",
        name: "专利权有效的证明",
        source: "government",
      },
    ];
    const events = given(...submitted("2026-09-30", [provided("M01")], { requirements: patentRequirements }))
      .when(check("2026-09-30", code("2026-09-30")))
      .events();
    expect(events[0]).toMatchObject({ type: "ApplicationAccepted", data: { mode: "complete" } });
    expect(events[0]?.data).toMatchObject({
      materials: [
        provided("M01"),
        { materialId: "M02", provision: "obtained-by-department", obtainedBy: hygieneMatter.department },
      ],
    });
  });

  it("the applicant may still hand over the electronic certificate itself (国发〔2022〕5号: 电子证照)", () => {
    const [event] = submitted("2026-09-30");
    expect(recorded(event)).toContainEqual({
      materialId: "LIC",
      provision: "certificate",
      certificateId: "ZZ-330106-2025-000123",
    });
  });

  it.each<[string, MaterialProvision[], string]>([
    ["a promise for it", [{ materialId: "LIC", provision: "promised" }], "materials[0].provision: "],
    [
      "an obtained-by-department provision from outside",
      [{ materialId: "LIC", provision: "obtained-by-department", obtainedBy: hygieneMatter.department }],
      "materials[0].provision: ",
    ],
  ])("refuses %s (400 naming the field)", (_, materials, field) => {
    given()
      .when(submit("2026-09-29", materials, { informedCommitmentRequested: true }))
      .thenThrows(RuleViolation, field);
  });

  it("a clerk cannot name it as defective: it is never in a notice (400)", () => {
    given(...submitted("2026-09-29"))
      .when(check("2026-09-29", undefined, [{ materialId: "LIC", note: "已过期" }]))
      .thenThrows(RuleViolation, "defects[0].materialId: ");
  });
});

describe('intake: a "一件事" case whose material is another member\'s result waits for it (BundlePublished.dependencies)', () => {
  const awaiting: MaterialProvision = {
    materialId: "LIC",
    provision: "awaiting-result",
    producedBy: { matterId: "enterprise-establishment", applicationId: "A0" },
  };
  const inBundle = { bundleApplicationId: "B1" };
  const waiting = () => submitted("2026-09-30", [...withoutLicenceAnd(), awaiting], inBundle);
  const withoutLicenceAnd = () => complete.filter((x) => x.materialId !== "LIC");

  it("records the material as awaiting the producing case, and does not ask for it", () => {
    const [event] = waiting();
    expect(recorded(event)).toContainEqual(awaiting);
    expect(recorded(event).filter((m) => m.materialId === "LIC")).toHaveLength(1);
  });

  it("is not checked (so never accepted) until the result exists: 409 naming the case it waits for", () => {
    given(...waiting())
      .when(check("2026-09-30", code("2026-09-30")))
      .thenThrows(StateConflict, /awaits the result .*LIC from application A0 \(enterprise-establishment\)/);
  });

  it("is not deemed accepted while it waits (行政许可法 第三十二条 presumes an application the window could check)", () => {
    given(...waiting())
      .when({ type: "DeemAccepted", data: { caseNumber: code("2026-09-30") }, metadata: at("2026-10-20") })
      .thenNothingHappened();
  });

  it("may still be withdrawn while it waits", () => {
    expect(
      types(
        given(...waiting())
          .when({ type: "WithdrawApplication", data: { reason: "不再开办" }, metadata: at("2026-10-01") })
          .events(),
      ),
    ).toEqual(["ApplicationWithdrawn"]);
  });

  it("only a bundle's case may await another member's result (400)", () => {
    given()
      .when(submit("2026-09-30", [awaiting]))
      .thenThrows(RuleViolation, "materials[0].provision: ");
  });
});
