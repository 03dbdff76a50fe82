import { calendarSeed } from "@gov/calendar";
import {
  calendarStreamId,
  type IntakeEventData,
  intakeEventSchemas,
  intakeEventTypes,
  type MatterElements,
  mattersEventSchemas,
  mattersEventTypes,
  reviewAndMonitorEventSchemas,
  reviewAndMonitorEventTypes,
  type SubjectRef,
} from "@gov/contracts";
import { EventTypes, type NewEvent, toNewEvent } from "@gov/eventsourcing";
import { MARKET, ORG } from "../domain/case/fixtures.ts";

/** Test fixtures: other services' events as they publish them (invented data). */
export { MARKET, ORG };
export const IMPLEMENTATION_CODE = `${MARKET.creditCode}3000117002000`;

export function elements(over: Partial<MatterElements> = {}): MatterElements {
  return {
    name: "食品经营许可",
    basicCode: "000117002000",
    implementationCode: IMPLEMENTATION_CODE,
    type: "01",
    legalBasis: [{ document: "《中华人民共和国食品安全法》", article: "第三十五条" }],
    exercisingLevel: 3,
    implementingDepartment: { ...MARKET, nature: "statutory-organ" },
    region: "330100",
    powerSource: "statutory",
    serviceObjects: ["enterprise-legal-person"],
    caseKind: "promised",
    statutoryTimeLimitDays: 20,
    promisedTimeLimitDays: 5,
    acceptanceConditions: [],
    materials: [],
    processSteps: [{ name: "承办" }, { name: "审核" }, { name: "批准" }],
    handlingForms: ["window", "online"],
    onSiteVisits: 0,
    onlineDepth: 4,
    fees: [],
    result: { type: "certificate", name: "食品经营许可证" },
    deliveryMethods: ["post", "download"],
    intermediaryServices: [],
    specialProcedures: [],
    supervisingDepartment: MARKET,
    riskDomains: [],
    allowsInformedCommitment: true,
    allowsDeferredMaterials: true,
    allowsAutoApproval: false,
    ...over,
  };
}

export const autoRules = {
  noDeferredMaterials: true,
  allMaterialsProvided: true,
  applicantKinds: ["organisation" as const],
  excludeStrictReview: true,
};

interface Harness {
  given(streamId: string, ...events: NewEvent[]): Promise<void>;
}

const types = new EventTypes<
  | { type: "MatterPublished"; data: import("@gov/contracts").MattersEventData["MatterPublished"] }
  | { type: "CalendarYearPublished"; data: import("@gov/contracts").CalendarYearPublished }
>(
  {
    MatterPublished: mattersEventTypes.MatterPublished,
    CalendarYearPublished: mattersEventTypes.CalendarYearPublished,
  },
  {
    schemas: {
      MatterPublished: mattersEventSchemas.MatterPublished,
      CalendarYearPublished: mattersEventSchemas.CalendarYearPublished,
    },
  },
);
const intake = new EventTypes<
  | { type: "ApplicationAccepted"; data: IntakeEventData["ApplicationAccepted"] }
  | { type: "ApplicationWithdrawn"; data: IntakeEventData["ApplicationWithdrawn"] }
>(intakeEventTypes, { schemas: intakeEventSchemas });
const findings = new EventTypes<
  | { type: "ViolationFound"; data: import("@gov/contracts").ReviewAndMonitorEventData["ViolationFound"] }
  | {
      type: "FalsePromiseFound";
      data: import("@gov/contracts").ReviewAndMonitorEventData["FalsePromiseFound"];
    }
>(reviewAndMonitorEventTypes, { schemas: reviewAndMonitorEventSchemas });

const from = (source: string) => ({
  source,
  time: "2026-03-02T09:00:00+08:00",
  actor: { id: "someone", role: "system" as const },
});

export async function publishMatter(h: Harness, matterId: string, e: MatterElements, version = 1) {
  await h.given(
    `matter-${matterId}`,
    toNewEvent(
      types,
      {
        type: "MatterPublished",
        data: { matterId, version, effectiveFrom: "2026-01-01T00:00:00+08:00", elements: e },
      },
      crypto.randomUUID(),
      from("gov.matters"),
    ),
  );
}

export async function publishCalendar(h: Harness) {
  for (const year of calendarSeed) {
    await h.given(
      calendarStreamId(year.year),
      toNewEvent(
        types,
        {
          type: "CalendarYearPublished",
          data: {
            ...year,
            holidays: [...year.holidays],
            makeUpWorkdays: [...year.makeUpWorkdays],
            version: 1,
          },
        },
        crypto.randomUUID(),
        from("gov.matters"),
      ),
    );
  }
}

let serial = 0;
export function accepted(
  applicationId: string,
  matterId: string,
  over: Partial<IntakeEventData["ApplicationAccepted"]> = {},
  applicant: SubjectRef = ORG,
): IntakeEventData["ApplicationAccepted"] {
  serial += 1;
  return {
    applicationId,
    caseNumber: `${IMPLEMENTATION_CODE}20260302${String(serial).padStart(4, "0")}`,
    mode: "complete",
    acceptedOn: "2026-03-02",
    matter: {
      matterId,
      version: 1,
      name: "食品经营许可",
      implementationCode: IMPLEMENTATION_CODE,
      department: MARKET,
      region: "330100",
      caseKind: "promised",
      promisedTimeLimitDays: 5,
      statutoryTimeLimitDays: 20,
      allowsInformedCommitment: true,
      allowsDeferredMaterials: true,
      allowsAutoApproval: over.matter?.allowsAutoApproval ?? false,
    },
    applicant,
    materials: [
      { materialId: "M01", provision: "provided", file: { uri: "file://m01", sha256: "a".repeat(64) } },
    ],
    promisedTimeLimitDays: 5,
    dueOn: "2026-03-09",
    credit: {
      status: "normal",
      deferredMaterials: true,
      informedCommitment: true,
      autoApproval: true,
      priority: false,
    },
    flags: [],
    ...over,
  };
}

/** Intake's ApplicationAccepted as intake appends it (not stored: for handing to the reaction directly). */
export const acceptanceEvent = (data: IntakeEventData["ApplicationAccepted"], id = crypto.randomUUID()) =>
  toNewEvent(intake, { type: "ApplicationAccepted", data }, id, from("gov.intake"));

/** Intake's ApplicationAccepted on its stream, as intake appends it. */
export async function accept(
  h: Harness,
  data: IntakeEventData["ApplicationAccepted"],
  id = crypto.randomUUID(),
) {
  const event = acceptanceEvent(data, id);
  await h.given(`application-${data.applicationId}`, event);
  return event;
}

export async function finding(
  h: Harness,
  e:
    | { type: "ViolationFound"; data: import("@gov/contracts").ReviewAndMonitorEventData["ViolationFound"] }
    | {
        type: "FalsePromiseFound";
        data: import("@gov/contracts").ReviewAndMonitorEventData["FalsePromiseFound"];
      },
) {
  await h.given(
    `finding-${e.data.findingId}`,
    toNewEvent(findings, e, crypto.randomUUID(), from("gov.review-and-monitor")),
  );
}

/** Waits, with a deadline, until `check` returns a value (no fixed sleeps). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
