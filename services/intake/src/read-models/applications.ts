import {
  type Actor,
  type DepartmentRef,
  type IntakeEventData,
  intakeEventTypes,
  type MaterialProvision,
} from "@gov/contracts";
import type { RecordedEvent } from "@gov/eventsourcing";
import { validateCreditCode } from "@gov/identifiers";
import { applicationTypes } from "../application/applications.ts";
import {
  type ActiveApplication,
  type ApplicationEvent,
  type ApplicationState,
  type ApplicationStatus,
  evolveApplication,
  initialApplicationState,
} from "../domain/application/application.ts";

type Candidate = { applicationId: string; action: "DeemAccepted" | "TerminateUnsupplied" };

export interface ApplicationView {
  applicationId: string;
  bundleApplicationId?: string;
  status: ApplicationStatus;
  matter: IntakeEventData["ApplicationSubmitted"]["matter"];
  applicant: IntakeEventData["ApplicationSubmitted"]["applicant"];
  /**
   * False when the applicant's 统一社会信用代码 fails its check character (GB 32100-2015): accepted, but the
   * window clerk should look at the licence. Derived from the recorded code, so a rebuild gives the same.
   */
  checksumOk: boolean;
  /** What the window should know about the application, e.g. the check-character warning. */
  warnings: string[];
  channel: string;
  receivedOn: string;
  flags: string[];
  /**
   * How each material is met now, by the applicant or by intake: `obtained-by-department` for what the government
   * already holds (国发〔2022〕5号), `awaiting-result` for another "一件事" member's result.
   */
  materials: MaterialProvision[];
  /** While `awaiting-result`: which material waits for which case of the bundle. */
  awaiting: AwaitedMaterial[];
  notices: IntakeEventData["CorrectionRequested"][];
  accepted?: IntakeEventData["ApplicationAccepted"];
  /** 容缺 materials still outstanding after acceptance. */
  outstanding: string[];
  outcome?: { type: string; on: string; reason?: string; legalBasis?: string };
  /** Every event: its type, time and log position, and who caused it (id, role, department). */
  history: { type: string; time: string; position: string; actor: HistoryActor }[];
}

/** A material a bundle case waits for, and the case whose result it is. */
export interface AwaitedMaterial {
  materialId: string;
  producedBy: { matterId: string; applicationId: string };
}

/** Who caused an event, as the log records it: an id (a subject id or staff id, never a name), role, department. */
export type HistoryActor = Pick<Actor, "id" | "role" | "department">;

/** A share with its target: `count` of `total`, the rate (0–1, 4 places; null with nothing to count). */
export interface KpiFigure {
  count: number;
  total: number;
  rate: number | null;
  target: { op: ">="; value: number };
  met: boolean | null;
}

/**
 * 一窗分类受理率: applications received at the integrated window (`channel: "window"`, 前台综合受理) over all
 * received, with the target of 70 % (韶关市 2019 “一网、一门、一次”改革工作通知: 70%以上政务服务事项实现“一窗”分类受理,
 * implementing 国办发〔2018〕45号).
 */
export interface IntakeKpis {
  overall: KpiFigure;
  byDepartment: Array<{ department: DepartmentRef; oneWindow: KpiFigure }>;
  byRegion: Array<{ region: string; oneWindow: KpiFigure }>;
}

/** The 一窗分类受理率 target (韶关市 2019 通知). */
export const ONE_WINDOW_TARGET = 0.7;

/**
 * Every application as the window, the officer and the applicant see it, from intake's own log, plus the
 * scheduler's due lists. The stages follow the decider's own evolve.
 */
export class ApplicationsModel {
  readonly #apps = new Map<string, { state: ApplicationState; view: ApplicationView }>();

  apply(recorded: RecordedEvent): void {
    const id = applicationIdOf(recorded);
    if (id === undefined) return;
    const next = applyApplicationEvent(this.#apps.get(id), recorded);
    if (next) this.#apps.set(id, next);
  }

  get(applicationId: string): ApplicationView | undefined {
    return this.#apps.get(applicationId)?.view;
  }

  all(): ApplicationView[] {
    return [...this.#apps.values()].map((a) => a.view);
  }

  /**
   * A "一件事" application: its cases, accepted once every case is, and which case waits for which (a member
   * whose material is another member's result).
   */
  bundle(bundleApplicationId: string) {
    return bundleView(
      bundleApplicationId,
      this.all().filter((a) => a.bundleApplicationId === bundleApplicationId),
    );
  }

  /**
   * The cases waiting for a result of `applicationId` (the seam where approval's certificate events will release
   * them: see application/awaited-results.ts).
   */
  awaitingResultOf(applicationId: string): { applicationId: string; materialId: string }[] {
    return this.all().flatMap((a) =>
      a.awaiting
        .filter((w) => w.producedBy.applicationId === applicationId)
        .map((w) => ({ applicationId: a.applicationId, materialId: w.materialId })),
    );
  }

  /** 一窗分类受理率 overall, per implementing department and per region (every application received counts). */
  kpis(): IntakeKpis {
    const all = this.all();
    const departments = new Map<string, { department: DepartmentRef; apps: ApplicationView[] }>();
    const regions = new Map<string, ApplicationView[]>();
    for (const a of all) {
      const d = departments.get(a.matter.department.creditCode) ?? {
        department: a.matter.department,
        apps: [],
      };
      d.apps.push(a);
      departments.set(a.matter.department.creditCode, d);
      regions.set(a.matter.region, [...(regions.get(a.matter.region) ?? []), a]);
    }
    return {
      overall: oneWindow(all),
      byDepartment: [...departments.values()]
        .sort((a, b) => a.department.creditCode.localeCompare(b.department.creditCode))
        .map((d) => ({ department: d.department, oneWindow: oneWindow(d.apps) })),
      byRegion: [...regions.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([region, apps]) => ({ region, oneWindow: oneWindow(apps) })),
    };
  }

  /** The window's queue: waiting for a completeness check, oldest first, green channel first (priority). */
  queue(filter: { region?: string; department?: string } = {}): ApplicationView[] {
    return this.all()
      .filter((a) => a.status === "submitted" || a.status === "supplemented")
      .filter((a) => !filter.region || a.matter.region === filter.region)
      .filter((a) => !filter.department || a.matter.department.creditCode === filter.department)
      .sort(
        (a, b) =>
          Number(b.flags.includes("green-channel")) - Number(a.flags.includes("green-channel")) ||
          a.receivedOn.localeCompare(b.receivedOn),
      );
  }

  /** For the scheduler: applications that may be due for deemed acceptance (行政许可法 第三十二条) or 容缺 termination. */
  candidates(): Candidate[] {
    return this.all().flatMap((a): Candidate[] => {
      if (a.status === "submitted")
        return [{ applicationId: a.applicationId, action: "DeemAccepted" as const }];
      if (a.status === "accepted" && a.outstanding.length > 0)
        return [{ applicationId: a.applicationId, action: "TerminateUnsupplied" as const }];
      return [];
    });
  }

  snapshot(): ApplicationView[] {
    return this.all().sort((a, b) => a.applicationId.localeCompare(b.applicationId));
  }
}

/** One application as a read model keeps it: the decider's state (to fold the next event) and the view. */
/**
 * A "一件事" application from its cases: accepted once every case is, needing attention once one is refused or
 * ended, and which case waits for which member's result. Undefined when it has no case.
 */
export function bundleView(bundleApplicationId: string, cases: ApplicationView[]) {
  if (cases.length === 0) return undefined;
  const waits = cases.flatMap((c) =>
    c.awaiting.map((w) => ({
      applicationId: c.applicationId,
      matterId: c.matter.matterId,
      materialId: w.materialId,
      waitsFor: w.producedBy,
    })),
  );
  const status = cases.every((c) => c.status === "accepted")
    ? "accepted"
    : cases.some((c) => ["rejected", "terminated", "withdrawn"].includes(c.status))
      ? "needs-attention"
      : "in-progress";
  return { bundleApplicationId, status, cases, waits };
}

export interface ApplicationEntry {
  state: ApplicationState;
  view: ApplicationView;
}

/** The application an event is about (undefined for events no read model follows, e.g. case serials). */
export function applicationIdOf(recorded: RecordedEvent): string | undefined {
  if (recorded.type === intakeEventTypes.CaseNumberAllocated) return undefined;
  return applicationTypes.toDomain(recorded)?.data.applicationId;
}

/**
 * Folds one recorded event into an application's entry (a new object; `entry` is not changed): the one
 * evolution every applications read model shares, in memory or in SQL (the stages follow the decider's evolve).
 */
export function applyApplicationEvent(
  entry: ApplicationEntry | undefined,
  recorded: RecordedEvent,
): ApplicationEntry | undefined {
  if (recorded.type === intakeEventTypes.CaseNumberAllocated) return undefined;
  const event = applicationTypes.toDomain(recorded);
  if (!event) return undefined;
  const state = evolveApplication(entry?.state ?? initialApplicationState(), event);
  if (state.status === "none") return undefined;
  const view: ApplicationView = entry
    ? { ...entry.view, history: [...entry.view.history] }
    : initialView(state);
  view.status = state.status;
  view.notices = state.notices;
  view.materials = Object.values(state.materials);
  view.awaiting =
    state.status === "awaiting-result"
      ? view.materials.flatMap((m) =>
          m.provision === "awaiting-result" ? [{ materialId: m.materialId, producedBy: m.producedBy }] : [],
        )
      : [];
  if ("outstanding" in state) view.outstanding = state.outstanding;
  if ("accepted" in state) view.accepted = state.accepted;
  outcome(view, event);
  const { id: actorId, role, department } = recorded.actor;
  view.history.push({
    type: recorded.type,
    time: recorded.time,
    position: recorded.position,
    actor: { id: actorId, role, ...(department ? { department } : {}) },
  });
  return { state, view };
}

function initialView(state: ActiveApplication): ApplicationView {
  const s = state.submitted;
  const code = s.applicant.creditCode ? validateCreditCode(s.applicant.creditCode) : undefined;
  const warning = code?.valid && !code.checksumOk ? code.warning : undefined;
  return {
    applicationId: state.applicationId,
    ...(s.bundleApplicationId ? { bundleApplicationId: s.bundleApplicationId } : {}),
    status: state.status,
    matter: s.matter,
    applicant: s.applicant,
    channel: s.channel,
    receivedOn: s.receivedOn,
    flags: s.flags,
    materials: [],
    awaiting: [],
    checksumOk: warning === undefined,
    warnings: warning === undefined ? [] : [warning],
    notices: [],
    outstanding: [],
    history: [],
  };
}

function outcome(view: ApplicationView, event: ApplicationEvent): void {
  switch (event.type) {
    case "ApplicationRejected":
      view.outcome = {
        type: "rejected",
        on: event.data.rejectedOn,
        reason: event.data.reason,
        legalBasis: event.data.legalBasis,
      };
      break;
    case "ApplicationTerminated":
      view.outcome = { type: "terminated", on: event.data.terminatedOn, reason: event.data.reason };
      break;
    case "ApplicationWithdrawn":
      view.outcome = { type: "withdrawn", on: event.data.withdrawnOn, reason: event.data.reason };
      break;
    case "ApplicationAccepted":
      view.outcome = { type: `accepted (${event.data.mode})`, on: event.data.acceptedOn };
      break;
    default:
      break;
  }
}

function oneWindow(apps: readonly ApplicationView[]): KpiFigure {
  const total = apps.length;
  const count = apps.filter((a) => a.channel === "window").length;
  const rate = total === 0 ? null : Math.round((count / total) * 10_000) / 10_000;
  return {
    count,
    total,
    rate,
    target: { op: ">=", value: ONE_WINDOW_TARGET },
    met: rate === null ? null : rate >= ONE_WINDOW_TARGET,
  };
}
