import { randomUUID } from "node:crypto";
import { seedCalendar } from "@gov/calendar";
import { intakeEventTypes } from "@gov/contracts";
import { type NewEvent, rebuildMemoryModel } from "@gov/eventsourcing";
import { serviceTestApp } from "@gov/runtime/testing";
import { expect } from "vitest";
import { categories } from "../application/handlers.ts";
import { type ReviewModuleOptions, reviewAndMonitorModule } from "../module.ts";
import { computeKpis } from "../read-models/kpis.ts";
import { SupervisionModel } from "../read-models/supervision.ts";

/** Test fixtures: a department, an applicant (a person's subject id), and intake's events for a case. */
export const market = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };
export const APPLICANT = `P${"1".repeat(32)}`;
export const OTHER_APPLICANT = `P${"2".repeat(32)}`;
export const REGION = "330106";
const calendar = seedCalendar();

export const startApp = (options: ReviewModuleOptions = {}) =>
  serviceTestApp((deps) =>
    reviewAndMonitorModule(deps, {
      ...options,
      schedulerIntervalMs: 0,
      calendar: {
        addWorkingDays: (d, n) => calendar.addWorkingDays(d, n),
        workingDaysBetween: (a, b) => calendar.workingDaysBetween(a, b),
      },
    }),
  );
export type Harness = Awaited<ReturnType<typeof startApp>>;

const matter = {
  matterId: "food-business-licence",
  version: 1,
  name: "食品经营许可",
  implementationCode: "1133010000248911XA330010010001",
  department: market,
  region: REGION,
  caseKind: "promised",
  promisedTimeLimitDays: 10,
  statutoryTimeLimitDays: 20,
  allowsInformedCommitment: true,
  allowsDeferredMaterials: true,
  allowsAutoApproval: false,
};
const creditSeen = {
  status: "normal",
  deferredMaterials: true,
  informedCommitment: true,
  autoApproval: false,
  priority: false,
};

/** An event as intake appends it to its own stream (the embedded bus publishes it on intake's topic). */
export function intakeEvent(type: keyof typeof intakeEventTypes, data: object): NewEvent {
  return {
    id: randomUUID(),
    type: intakeEventTypes[type],
    source: "gov.intake",
    time: "2026-05-06T10:00:00+08:00",
    data: data as NewEvent["data"],
    actor: { id: "clerk-1", role: "window-clerk" },
  };
}

export const submitted = (applicationId: string, applicant = APPLICANT, receivedOn = "2026-05-06") =>
  intakeEvent("ApplicationSubmitted", {
    applicationId,
    matter,
    applicant: { subjectId: applicant, kind: "person" },
    channel: "window",
    receivedOn,
    requirements: [],
    materials: [],
    informedCommitmentRequested: false,
    credit: creditSeen,
    flags: [],
  });

export const accepted = (applicationId: string, dueOn: string, supplyBy?: string) =>
  intakeEvent("ApplicationAccepted", {
    applicationId,
    caseNumber: `${matter.implementationCode}202605060001`,
    mode: supplyBy ? "deferred-materials" : "complete",
    acceptedOn: "2026-05-06",
    matter,
    applicant: { subjectId: APPLICANT, kind: "person" },
    materials: [],
    ...(supplyBy ? { deferred: { materialIds: ["m1"], supplyBy } } : {}),
    promisedTimeLimitDays: 10,
    dueOn,
    credit: creditSeen,
    flags: [],
  });

/** Intake received a case: waits until review-and-monitor's copy knows it and its Art. 32 clock runs. */
export async function givenCase(h: Harness, applicationId: string, applicant = APPLICANT) {
  await h.given(`application-${applicationId}`, submitted(applicationId, applicant));
  await until(
    async () => (await h.module.cases.get(applicationId)) !== undefined,
    `case ${applicationId} copied`,
  );
  await reacted(h, `watch-art32.${applicationId}`, 1);
}

/** Waits until intake's events have moved a clock's stream to `length` events, before the next request. */
export async function reacted(h: Harness, streamId: string, length: number) {
  await until(
    async () => (await h.store.readStream(streamId)).length === length,
    `${streamId} has ${length} events`,
  );
}

/** Waits until the read model has applied every event of this service's categories. */
export async function settled(h: Harness) {
  const own = (await h.store.readAll({ limit: 1_000_000 })).events.filter((e) =>
    (categories as readonly string[]).includes(e.subject.split("-")[0] ?? ""),
  );
  const last = own.at(-1)?.position;
  if (last)
    await until(
      async () => (await h.module.readModels?.[0]?.waitFor(last, 100)) === true,
      "read model settled",
    );
}

/** Waits for a condition with a deadline (usable in hooks, where expect.poll is not). */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A model as plain data, keys sorted per map (the SQL rows come back in id order, a fold in log order). */
const plain = (m: SupervisionModel) =>
  JSON.parse(
    JSON.stringify(
      Object.fromEntries(
        (
          ["ratings", "feedback", "clocks", "findings", "inspections", "pushes", "verifications"] as const
        ).map((k) => [k, Object.fromEntries([...m[k].entries()].sort(([a], [b]) => a.localeCompare(b)))]),
      ),
    ),
  );

/**
 * The SQL read model equals a fold of the log from the start (the in-memory model's code), row for row, and its
 * KPIs equal the fold's: computed from events only.
 */
export async function expectRebuildEqual(h: Harness) {
  await settled(h);
  const rebuilt = await rebuildMemoryModel(h.store, categories, new SupervisionModel());
  const live = await h.module.model.all();
  expect(plain(live)).toEqual(plain(rebuilt));
  // The KPIs read only their period's and department's rows: the same figures as from every row.
  for (const scope of [{}, { department: market.creditCode }, { from: "2026-05-07", to: "2026-06-30" }])
    expect(computeKpis(await h.module.model.forKpis(scope), scope)).toEqual(computeKpis(rebuilt, scope));
}
