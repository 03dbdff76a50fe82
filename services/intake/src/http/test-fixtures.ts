import { calendarSeed, type SeedYear } from "@gov/calendar";
import {
  type CalendarYearPublished,
  type CreditEventData,
  calendarStreamId,
  creditEventSchemas,
  creditEventTypes,
  type MatterElements,
  type MattersEventData,
  mattersEventSchemas,
  mattersEventTypes,
} from "@gov/contracts";
import { EventTypes, type NewEvent, toNewEvent } from "@gov/eventsourcing";
import { hygieneMatter, hygieneRequirements } from "../domain/application/fixtures.ts";

/** The fixture matter's full elements, as matters publishes them. */
export const hygieneElements: MatterElements = {
  name: hygieneMatter.name,
  basicCode: "000123007000",
  implementationCode: hygieneMatter.implementationCode,
  type: "01",
  legalBasis: [{ document: "《公共场所卫生管理条例》", article: "第八条" }],
  exercisingLevel: 3,
  implementingDepartment: { ...hygieneMatter.department, nature: "statutory-organ" },
  region: hygieneMatter.region,
  powerSource: "statutory",
  serviceObjects: ["enterprise-legal-person"],
  caseKind: "promised",
  statutoryTimeLimitDays: 20,
  promisedTimeLimitDays: 5,
  acceptanceConditions: [],
  materials: hygieneRequirements,
  processSteps: [
    { name: "受理", timeLimitDays: 1 },
    { name: "审查决定", timeLimitDays: 4 },
  ],
  handlingForms: ["window", "online"],
  onSiteVisits: 0,
  onlineDepth: 4,
  fees: [],
  result: { type: "certificate", name: "公共场所卫生许可证" },
  deliveryMethods: ["post"],
  intermediaryServices: [],
  specialProcedures: [],
  supervisingDepartment: hygieneMatter.department,
  riskDomains: [],
  allowsInformedCommitment: true,
  allowsDeferredMaterials: true,
  allowsAutoApproval: false,
};

/** What these fixtures need of the test harness (`serviceTestApp`'s `given`). */
interface Harness {
  given(streamId: string, ...events: NewEvent[]): Promise<void>;
}

type Published =
  | { type: "MatterPublished"; data: MattersEventData["MatterPublished"] }
  | { type: "BundlePublished"; data: MattersEventData["BundlePublished"] };
const matterTypes = new EventTypes<Published>(
  { MatterPublished: mattersEventTypes.MatterPublished, BundlePublished: mattersEventTypes.BundlePublished },
  {
    schemas: {
      MatterPublished: mattersEventSchemas.MatterPublished,
      BundlePublished: mattersEventSchemas.BundlePublished,
    },
  },
);
type StatusChanged = { type: "CreditStatusChanged"; data: CreditEventData["CreditStatusChanged"] };
const creditTypes = new EventTypes<StatusChanged>(
  { CreditStatusChanged: creditEventTypes.CreditStatusChanged },
  { schemas: { CreditStatusChanged: creditEventSchemas.CreditStatusChanged } },
);

/** Another service's envelope (intake sees its events through the bus). */
const from = (source: string) => ({
  source,
  time: new Date().toISOString(),
  actor: { id: "someone", role: "admin" as const },
});

/** Publishes a matter (version 1; by default the fixture matter) the way the matters service does. */
export function publishMatter(
  h: Harness,
  elements: MatterElements = hygieneElements,
  matterId = hygieneMatter.matterId,
) {
  const event = toNewEvent(
    matterTypes,
    {
      type: "MatterPublished",
      data: { matterId, version: 1, effectiveFrom: "2026-01-01T00:00:00+08:00", elements },
    },
    crypto.randomUUID(),
    from("gov.matters"),
  );
  return h.given(`matter-${matterId}`, event);
}

/**
 * Publishes a "一件事" bundle of published matters (each with the fixture's material list) whose merged
 * list shares the business licence: `LIC` satisfies every matter's LIC, `<matterId>:<materialId>` one matter's.
 * With `dependencies`, a member's material is another member's result and is left off the merged list for it.
 */
export function publishBundle(
  h: Harness,
  bundleId: string,
  matterIds: string[],
  dependencies?: MattersEventData["BundlePublished"]["dependencies"],
) {
  const perMatter = hygieneRequirements.filter((m) => m.id !== "LIC");
  const produced = (matterId: string) =>
    (dependencies ?? []).some((d) => d.matterId === matterId && d.materialId === "LIC");
  const licenceHolders = matterIds.filter((matterId) => !produced(matterId));
  const event = toNewEvent(
    matterTypes,
    {
      type: "BundlePublished",
      data: {
        bundleId,
        name: "开办餐饮店",
        version: 1,
        leadDepartment: hygieneMatter.department,
        matters: matterIds.map((matterId) => ({
          matterId,
          version: 1,
          department: hygieneMatter.department,
        })),
        materials: [
          {
            key: "LIC",
            name: "营业执照",
            satisfies: licenceHolders.map((matterId) => ({ matterId, materialId: "LIC" })),
          },
          ...matterIds.flatMap((matterId) =>
            perMatter.map((m) => ({
              key: `${matterId}:${m.id}`,
              name: m.name,
              satisfies: [{ matterId, materialId: m.id }],
            })),
          ),
        ],
        ...(dependencies ? { dependencies } : {}),
      },
    },
    crypto.randomUUID(),
    from("gov.matters"),
  );
  return h.given(`bundle-${bundleId}`, event);
}

/** Sets a subject's credit status the way the credit service announces it. */
export function creditStatus(
  h: Harness,
  subjectId: string,
  status: "strict-review" | "green-channel" | "normal",
) {
  const strict = status === "strict-review";
  const event = toNewEvent(
    creditTypes,
    {
      type: "CreditStatusChanged",
      data: {
        subject: { subjectId, kind: subjectId.startsWith("O") ? "organisation" : "person" },
        status,
        measures: {
          deferredMaterials: !strict,
          informedCommitment: !strict,
          autoApproval: !strict,
          heightenedInspection: strict,
          priority: status === "green-channel",
        },
        measuresVersion: "2026-04-01",
        causes: [],
        asOf: "2026-09-01",
      },
    },
    crypto.randomUUID(),
    from("gov.credit"),
  );
  return h.given(`subject-${subjectId}`, event);
}

type YearPublished = { type: "CalendarYearPublished"; data: CalendarYearPublished };
const calendarTypes = new EventTypes<YearPublished>(
  { CalendarYearPublished: mattersEventTypes.CalendarYearPublished },
  { schemas: { CalendarYearPublished: mattersEventSchemas.CalendarYearPublished } },
);

/**
 * Publishes working-day calendar years (by default the shipped official 2025 and 2026) as version 1, the way
 * the matters service does (国务院办公厅关于YYYY年部分节假日安排的通知, published as data).
 */
export async function publishCalendar(h: Harness, years: readonly SeedYear[] = calendarSeed) {
  for (const year of years) {
    const event = toNewEvent(
      calendarTypes,
      {
        type: "CalendarYearPublished",
        data: { ...year, holidays: [...year.holidays], makeUpWorkdays: [...year.makeUpWorkdays], version: 1 },
      },
      crypto.randomUUID(),
      from("gov.matters"),
    );
    await h.given(calendarStreamId(year.year), event);
  }
}
