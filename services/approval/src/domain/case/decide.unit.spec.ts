import { seedCalendar } from "@gov/calendar";
import { NotFound, NotPermitted, RuleViolation, StateConflict } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, expect, it } from "vitest";
import type { CaseEvent } from "./case.ts";
import { evolveCase, initialCaseState } from "./case.ts";
import { clockAt } from "./clock.ts";
import type { CaseCommand } from "./commands.ts";
import { caseDecider } from "./decide.ts";
import {
  allStepsDone,
  at,
  claimed,
  colleague,
  completed,
  head,
  MARKET,
  OTHER_DEPT,
  officer,
  openCaseData,
  opened,
  PERSON,
  system,
} from "./fixtures.ts";
import { defaultRules } from "./rules.ts";

const calendar = seedCalendar();
const decider = caseDecider(() => calendar, defaultRules);
const spec = deciderSpec(decider);
const fold = (events: CaseEvent[]) => events.reduce(evolveCase, initialCaseState());
const file = (events: CaseEvent[]) => {
  const s = fold(events);
  if (s.status === "none") throw new Error("no case");
  return s;
};
const cmd = <T extends CaseCommand["type"]>(
  type: T,
  data: Extract<CaseCommand, { type: T }>["data"],
  metadata = at("2026-02-13"),
) => ({ type, data, metadata }) as CaseCommand;

describe("opening a case (行政许可法 第三十二条, 第四十二条)", () => {
  it("counts the limit from the day after acceptance across the 2026 Spring Festival and its make-up day (第四十二条; 国办发明电〔2025〕7号)", () => {
    // Accepted Thu 12 Feb: Fri 13 (1), Sat 14 make-up day (2), 15–23 holiday, Tue 24 (3), Wed 25 (4), Thu 26 (5).
    spec
      .given()
      .when(cmd("OpenCase", openCaseData(), at("2026-02-12", system)))
      .then(opened());
  });

  it("counts across National Day 2026 with its make-up Saturday 10 October (第四十二条; 国办发明电〔2025〕7号)", () => {
    // Accepted Tue 29 Sep: Wed 30 (1), 1–7 Oct holiday, Thu 8 (2), Fri 9 (3), Sat 10 make-up day (4).
    const [event] = decider.decide(
      cmd(
        "OpenCase",
        openCaseData({
          acceptedOn: "2026-09-29",
          matter: { ...openCaseData().matter, promisedTimeLimitDays: 4 },
        }),
        at("2026-09-29", system),
      ),
      initialCaseState(),
    );
    expect(event?.type === "CaseOpened" && event.data.clock.dueOn).toBe("2026-10-10");
  });

  it("surfaces a year with no published calendar as a problem on the case, not a weekday count", () => {
    const [event] = decider.decide(
      cmd("OpenCase", openCaseData({ acceptedOn: "2031-12-30" }), at("2031-12-30", system)),
      initialCaseState(),
    );
    expect(event?.type === "CaseOpened" && event.data.clock.dueOn).toBeUndefined();
    expect(event?.type === "CaseOpened" && event.data.clock.problem).toMatch(/2031/);
  });

  it("gives joint (bundle) handling 45 working days (行政许可法 第二十六条)", () => {
    const [event] = decider.decide(
      cmd("OpenCase", openCaseData({ joint: true }), at("2026-02-12", system)),
      initialCaseState(),
    );
    expect(event?.type === "CaseOpened" && event.data.clock.limitDays).toBe(45);
  });

  it("splits the promised limit over the steps when the matter sets none (国办发〔2019〕51号 效能监督)", () => {
    const [event] = decider.decide(
      cmd("OpenCase", openCaseData(), at("2026-02-12", system)),
      initialCaseState(),
    );
    expect(event?.type === "CaseOpened" && event.data.steps.map((s) => s.timeLimitDays)).toEqual([2, 2, 1]);
  });

  it("opens nothing twice on redelivery", () => {
    spec
      .given(opened())
      .when(cmd("OpenCase", openCaseData(), at("2026-02-12", system)))
      .thenNothingHappened();
  });
});

describe("the clock (行政许可法 第四十二条, 第四十五条)", () => {
  it("shows days used, left, the due date and the flags", () => {
    const c = file([opened()]);
    expect(clockAt(calendar, c, "2026-02-13")).toMatchObject({
      usedDays: 1,
      leftDays: 4,
      dueOn: "2026-02-26",
      paused: false,
      flag: "green",
    });
    expect(clockAt(calendar, c, "2026-02-24")).toMatchObject({ usedDays: 3, leftDays: 2, flag: "yellow" });
    // The due date is still within the limit: yellow, as review-and-monitor warns; red from the day after.
    expect(clockAt(calendar, c, "2026-02-26")).toMatchObject({ usedDays: 5, leftDays: 0, flag: "yellow" });
    expect(clockAt(calendar, c, "2026-02-27")).toMatchObject({ usedDays: 6, leftDays: -1, flag: "red" });
  });

  it("a pause inside the Spring Festival holiday excludes no working day (第四十五条)", () => {
    const started = cmd(
      "StartProcedure",
      {
        procedureId: "P1",
        procedure: "expert-review",
        startedOn: "2026-02-16",
        expectedEndOn: "2026-02-20",
        legalBasis: "《中华人民共和国行政许可法》第四十五条",
        notice: "因需专家评审，所需时间不计入审批期限。",
      },
      at("2026-02-14"),
    );
    const [start] = decider.decide(started, fold([opened()]));
    const ended = decider.decide(
      cmd("EndProcedure", { procedureId: "P1", endedOn: "2026-02-20" }, at("2026-02-20")),
      fold([opened(), start as CaseEvent]),
    );
    expect(ended).toMatchObject([
      { type: "SpecialProcedureEnded", data: { daysExcluded: 0, dueOn: "2026-02-26" } },
    ]);
  });

  it("a pause on working days moves the due date by those days and shows paused meanwhile (第四十五条)", () => {
    const start: CaseEvent = {
      type: "SpecialProcedureStarted",
      data: {
        caseId: "APP-1",
        procedureId: "P1",
        procedure: "testing",
        name: "检测",
        startedOn: "2026-02-24",
        expectedEndOn: "2026-02-25",
        legalBasis: "《中华人民共和国行政许可法》第四十五条",
        notice: "因需检测，所需时间不计入审批期限。",
        officerId: "officer-1",
        startedAt: "2026-02-24T10:00:00+08:00",
      },
    };
    expect(clockAt(calendar, file([opened(), start]), "2026-02-24")).toMatchObject({
      paused: true,
      pausedDays: 1,
    });
    spec
      .given(opened(), start)
      .when(cmd("EndProcedure", { procedureId: "P1", endedOn: "2026-02-25" }, at("2026-02-25")))
      .then({
        type: "SpecialProcedureEnded",
        data: {
          caseId: "APP-1",
          procedureId: "P1",
          endedOn: "2026-02-25",
          daysExcluded: 2,
          // Due Thu 26 Feb + 2 paused working days: Fri 27, Sat 28 (make-up day).
          dueOn: "2026-02-28",
          officerId: "officer-1",
          endedAt: "2026-02-25T10:00:00+08:00",
        },
      });
  });

  it("refuses an unclosed or overlapping procedure with a conflict (第四十五条)", () => {
    const start = (id: string, from: string, to: string) =>
      cmd(
        "StartProcedure",
        {
          procedureId: id,
          procedure: "hearing",
          startedOn: from,
          expectedEndOn: to,
          legalBasis: "第四十五条",
          notice: "听证",
        },
        at(from),
      );
    const [first] = decider.decide(start("P1", "2026-02-24", "2026-02-26"), fold([opened()]));
    spec
      .given(opened(), first as CaseEvent)
      .when(start("P2", "2026-02-27", "2026-02-28"))
      .thenThrows(StateConflict, /not closed/);
    const [end] = decider.decide(
      cmd("EndProcedure", { procedureId: "P1", endedOn: "2026-02-26" }, at("2026-02-26")),
      fold([opened(), first as CaseEvent]),
    );
    spec
      .given(opened(), first as CaseEvent, end as CaseEvent)
      .when(start("P2", "2026-02-25", "2026-02-27"))
      .thenThrows(StateConflict, /overlaps/);
  });

  it("knows only the configured procedures (第四十五条 and the local list)", () => {
    spec
      .given(opened())
      .when(
        cmd("StartProcedure", {
          procedureId: "P1",
          procedure: "lottery",
          startedOn: "2026-02-24",
          expectedEndOn: "2026-02-25",
          legalBasis: "x",
          notice: "y",
        }),
      )
      .thenThrows(RuleViolation);
  });

  it("an extension adds 10 working days once, by a department head (第四十二条)", () => {
    spec
      .given(opened())
      .when(cmd("GrantExtension", { reason: "情况复杂" }, at("2026-02-24", head)))
      .then({
        type: "ExtensionGranted",
        data: {
          caseId: "APP-1",
          extraDays: 10,
          reason: "情况复杂",
          approvedBy: "head-1",
          // 26 Feb + 10 working days: 27 Feb, 28 Feb (make-up Saturday), 2–6 Mar, 9–11 Mar.
          dueOn: "2026-03-11",
          grantedOn: "2026-02-24",
          grantedAt: "2026-02-24T10:00:00+08:00",
        },
      });
    spec
      .given(opened())
      .when(cmd("GrantExtension", { reason: "x" }, at("2026-02-24", officer)))
      .thenThrows(NotPermitted);
    const [ext] = decider.decide(
      cmd("GrantExtension", { reason: "x" }, at("2026-02-24", head)),
      fold([opened()]),
    );
    spec
      .given(opened(), ext as CaseEvent)
      .when(cmd("GrantExtension", { reason: "again" }, at("2026-02-25", head)))
      .thenThrows(StateConflict, /once/);
  });

  it("a joint case extends by 15 (第二十六条)", () => {
    const base = opened();
    if (base.type !== "CaseOpened") throw new Error("fixture");
    const joint = opened({ clock: { ...base.data.clock, joint: true, limitDays: 45 } });
    const [ext] = decider.decide(
      cmd("GrantExtension", { reason: "联办" }, at("2026-02-24", head)),
      fold([joint]),
    );
    expect(ext?.type === "ExtensionGranted" && ext.data.extraDays).toBe(15);
  });
});

describe("steps (承办 → 审核 → 批准)", () => {
  it("an officer of the department claims the open step; another department's is refused (403)", () => {
    spec
      .given(opened())
      .when(cmd("ClaimStep", { stepIndex: 0 }))
      .then(claimed(0));
    spec
      .given(opened())
      .when(cmd("ClaimStep", { stepIndex: 0 }, at("2026-02-13", { ...officer, department: OTHER_DEPT })))
      .thenThrows(NotPermitted);
    spec
      .given(opened())
      .when(cmd("ClaimStep", { stepIndex: 0 }, at("2026-02-13", { id: "x", role: "officer" })))
      .thenThrows(NotPermitted);
    spec
      .given(opened())
      .when(cmd("ClaimStep", { stepIndex: 1 }))
      .thenThrows(StateConflict);
    spec
      .given(opened(), claimed(0))
      .when(cmd("ClaimStep", { stepIndex: 0 }, at("2026-02-13", colleague)))
      .thenThrows(StateConflict);
  });

  it("completing a step opens the next; only its claimer completes it", () => {
    spec
      .given(opened(), claimed(0))
      .when(cmd("CompleteStep", { stepIndex: 0, opinion: "符合条件", recommendation: "approve" }))
      .then(completed(0));
    spec
      .given(opened(), claimed(0))
      .when(
        cmd(
          "CompleteStep",
          { stepIndex: 0, opinion: "x", recommendation: "approve" },
          at("2026-02-13", colleague),
        ),
      )
      .thenThrows(NotPermitted);
  });

  it("退回 sends the current step back to the previous one with a reason", () => {
    spec
      .given(opened(), claimed(0), completed(0), claimed(1))
      .when(cmd("ReturnStep", { stepIndex: 1, reason: "核查意见不完整" }))
      .then({
        type: "StepReturned",
        data: {
          caseId: "APP-1",
          fromStep: 1,
          toStep: 0,
          officerId: "officer-1",
          reason: "核查意见不完整",
          returnedAt: "2026-02-13T10:00:00+08:00",
        },
      });
    spec
      .given(opened())
      .when(cmd("ReturnStep", { stepIndex: 0, reason: "x" }))
      .thenThrows(StateConflict);
  });

  it("转办 hands a claimed step to a colleague", () => {
    spec
      .given(opened(), claimed(0))
      .when(cmd("ReassignStep", { stepIndex: 0, toOfficerId: "officer-2", reason: "休假" }))
      .then({
        type: "StepReassigned",
        data: {
          caseId: "APP-1",
          stepIndex: 0,
          fromOfficerId: "officer-1",
          toOfficerId: "officer-2",
          reason: "休假",
          reassignedAt: "2026-02-13T10:00:00+08:00",
        },
      });
  });
});

describe("decisions (行政许可法 第三十八条, 第四十四条)", () => {
  it("准予 once every step is done starts the 10-working-day certificate deadline (第四十四条)", () => {
    const [decided] = decider.decide(
      cmd("DecideCase", { outcome: "approved", permitId: "PMT-APP-1" }, at("2026-02-25", head)),
      fold([opened(), ...allStepsDone()]),
    );
    // Decided Wed 25 Feb: 26, 27, 28 (make-up), 2–6 Mar, 9, 10 Mar → 10 working days.
    expect(decided).toMatchObject({
      type: "CaseDecided",
      data: {
        outcome: "approved",
        auto: false,
        certificateDueOn: "2026-03-10",
        workingDaysUsed: 4,
        withinLimit: true,
      },
    });
  });

  it("不予 needs a reason and its basis, and carries the rights notice: 行政复议 60 days, 行政诉讼 6 months (第三十八条)", () => {
    spec
      .given(opened(), ...allStepsDone())
      .when(cmd("DecideCase", { outcome: "refused", permitId: "PMT-APP-1" }, at("2026-02-25", head)))
      .thenThrows(RuleViolation, /reason.*legalBasis/);
    const [refused] = decider.decide(
      cmd(
        "DecideCase",
        {
          outcome: "refused",
          reason: "经营场所不符合要求",
          legalBasis: "《食品安全法》第三十三条",
          permitId: "PMT-APP-1",
        },
        at("2026-02-25", head),
      ),
      fold([opened(), ...allStepsDone()]),
    );
    expect(refused).toMatchObject({
      data: { outcome: "refused", rightsNotice: { reconsiderationDays: 60, litigationMonths: 6 } },
    });
  });

  it("refuses a decision before every step is done, and any step change after it", () => {
    spec
      .given(opened())
      .when(cmd("DecideCase", { outcome: "approved", permitId: "X" }, at("2026-02-25", head)))
      .thenThrows(StateConflict);
    const [decided] = decider.decide(
      cmd("DecideCase", { outcome: "approved", permitId: "PMT-APP-1" }, at("2026-02-25", head)),
      fold([opened(), ...allStepsDone()]),
    );
    spec
      .given(opened(), ...allStepsDone(), decided as CaseEvent)
      .when(cmd("ClaimStep", { stepIndex: 0 }))
      .thenThrows(StateConflict, /decided/);
  });

  it("checks access before state: another department is refused (403) even on a decided or closed case (行政许可法 第三十八条; 国办发〔2019〕51号)", () => {
    const [decided] = decider.decide(
      cmd("DecideCase", { outcome: "approved", permitId: "PMT-APP-1" }, at("2026-02-25", head)),
      fold([opened(), ...allStepsDone()]),
    );
    const [closed] = decider.decide(
      cmd("CloseCase", { reason: "application-withdrawn", closedOn: "2026-02-14" }, at("2026-02-14", system)),
      fold([opened()]),
    );
    const stranger = { id: "officer-9", role: "officer", department: OTHER_DEPT } as const;
    const strangerHead = { ...stranger, role: "department-head" } as const;
    for (const history of [
      [opened(), ...allStepsDone(), decided as CaseEvent],
      [opened(), closed as CaseEvent],
    ]) {
      for (const command of [
        cmd("ClaimStep", { stepIndex: 0 }, at("2026-02-26", stranger)),
        cmd(
          "CompleteStep",
          { stepIndex: 0, opinion: "同意", recommendation: "approve" },
          at("2026-02-26", stranger),
        ),
        cmd("DecideCase", { outcome: "approved", permitId: "X" }, at("2026-02-26", strangerHead)),
        cmd("GrantExtension", { reason: "情况复杂" }, at("2026-02-26", strangerHead)),
        cmd(
          "DecideCase",
          { outcome: "approved", permitId: "X" },
          at("2026-02-26", { ...officer, department: undefined }),
        ),
      ])
        spec
          .given(...history)
          .when(command)
          .thenThrows(NotPermitted);
      // The department's own staff learn the state: a conflict.
      spec
        .given(...history)
        .when(cmd("DecideCase", { outcome: "approved", permitId: "X" }, at("2026-02-26", head)))
        .thenThrows(StateConflict);
    }
  });

  it("the certificate is recorded as within its deadline or not (第四十四条)", () => {
    const [decided] = decider.decide(
      cmd("DecideCase", { outcome: "approved", permitId: "PMT-APP-1" }, at("2026-02-25", head)),
      fold([opened(), ...allStepsDone()]),
    );
    const late = decider.decide(
      cmd(
        "RecordCertificate",
        { certificateNo: "PMT-APP-1-01", issuedOn: "2026-03-11" },
        at("2026-03-11", system),
      ),
      fold([opened(), ...allStepsDone(), decided as CaseEvent]),
    );
    expect(late).toMatchObject([{ data: { withinDeadline: false } }]);
  });

  it("an unknown case is 404", () => {
    spec
      .given()
      .when(cmd("ClaimStep", { stepIndex: 0 }))
      .thenThrows(NotFound);
  });
});

describe("秒批 eligibility, rules as data on the matter version (国发〔2022〕5号)", () => {
  const rules = {
    noDeferredMaterials: true,
    allMaterialsProvided: true,
    applicantKinds: ["organisation" as const],
    excludeStrictReview: true,
  };
  const provided = [
    { materialId: "M01", provision: "provided" as const, file: { uri: "f://1", sha256: "a".repeat(64) } },
  ];
  const openAuto = (over: Partial<ReturnType<typeof openCaseData>> = {}) =>
    decider.decide(
      cmd(
        "OpenCase",
        openCaseData({ autoApproval: { allows: true, rules, materials: provided }, ...over }),
        at("2026-02-12", system),
      ),
      initialCaseState(),
    );

  it("an eligible case is decided at once, with no officer ", () => {
    expect(openAuto().map((e) => e.type)).toEqual(["CaseOpened", "AutoApprovalAssessed", "CaseDecided"]);
    expect(openAuto()[2]).toMatchObject({ data: { outcome: "approved", auto: true, permitId: "PMT-APP-1" } });
  });

  const reasonsOf = (events: CaseEvent[]) =>
    events.length === 2 && events[1]?.type === "AutoApprovalAssessed"
      ? events[1].data.reasons.map((r) => r.rule)
      : [];

  it("not under 容缺 (accepted without deferred materials)", () => {
    expect(reasonsOf(openAuto({ acceptanceMode: "deferred-materials" }))).toEqual(["acceptance-mode"]);
  });
  it("every material provided or a certificate reference", () => {
    expect(
      reasonsOf(
        openAuto({
          autoApproval: { allows: true, rules, materials: [{ materialId: "M02", provision: "promised" }] },
        }),
      ),
    ).toEqual(["materials"]);
  });
  it("applicant types allowed", () => {
    expect(reasonsOf(openAuto({ applicant: PERSON }))).toEqual(["applicant-kind"]);
  });
  it("credit gate: a black-listed or past-false-promise applicant is never auto-approved (国办发〔2019〕35号; 国办发〔2020〕42号)", () => {
    const strict = {
      status: "strict-review" as const,
      pastFalsePromise: true,
      strictReview: true,
      greenChannel: false,
    };
    expect(reasonsOf(openAuto({ credit: strict }))).toEqual(["credit"]);
  });
  it("a matter without rules falls back to the ordinary steps", () => {
    const events = openAuto({ autoApproval: { allows: true, materials: provided } });
    expect(reasonsOf(events)).toEqual(["matter"]);
  });
  it("a red-listed applicant's case carries the green-channel flag (国办发〔2019〕35号)", () => {
    const green = {
      status: "green-channel" as const,
      pastFalsePromise: false,
      strictReview: false,
      greenChannel: true,
    };
    expect(openAuto({ credit: green })[0]).toMatchObject({ data: { credit: { greenChannel: true } } });
  });
});

it("the department code the fixtures use is the implementing department's", () => {
  expect(opened().type === "CaseOpened" && opened().data).toMatchObject({ matter: { department: MARKET } });
});
