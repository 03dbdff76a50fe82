import { officialCalendar } from "@gov/calendar";
import type { MaterialProvision } from "@gov/contracts";
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
): CheckApplication => ({
  type: "CheckApplication",
  data: { defects, ...(caseNumber ? { caseNumber } : {}) },
  metadata: at(date),
});
const submitted = (
  date: string,
  ...args: Parameters<typeof submit> extends [string, ...infer R] ? R : never
) =>
  given()
    .when(submit(date, ...args))
    .events();
const types = (events: ApplicationEvent[]) => events.map((e) => e.type);

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

  it("补正 (一次性告知): ONE notice names every missing and defective material at once", () => {
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
            { materialId: "LIC", name: "营业执照", problem: "missing" },
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

  it("容缺受理: only a 容缺后补 material missing → accepted, to be supplied by the end of the promised limit", () => {
    const events = given(
      ...submitted(
        "2026-09-30",
        complete.filter((x) => x.materialId !== "M04"),
      ),
    )
      .when(check("2026-09-30", code("2026-09-30")))
      .events();
    expect(events[0]?.data).toMatchObject({
      mode: "deferred-materials",
      deferred: { materialIds: ["M04"], supplyBy: "2026-10-13" },
    });
  });

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
      .when(check("2026-09-30", code("2026-09-30")))
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
