import { DEFAULT_YELLOW_DAYS, type PublishedCalendar } from "@gov/calendar";
import type { FeedbackStep, Role } from "@gov/contracts";
import type { ProjectionHandle } from "@gov/eventsourcing/projections";
import {
  domainErrorMapper,
  piiIndexKey,
  type ServiceDeps,
  startSchedule,
  startServiceProjection,
} from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { type Handlers, handlers as makeHandlers } from "./application/handlers.ts";
import {
  evaluateClocks,
  revealEndedPeriods,
  SAMPLING_SCHEDULER,
  SCHEDULER,
} from "./application/scheduler.ts";
import { DEVELOPMENT_SAMPLING_SEED } from "./config.ts";
import { defaultStepDays } from "./domain/feedback/decide.ts";
import { reviewRoutes } from "./http/routes.ts";
import { approvalTopics, CaseNotYetKnown, reactToApproval } from "./reactions/approval.ts";
import { clockTopics, reactToIntake } from "./reactions/intake-clocks.ts";
import { ApprovalCasesCopy, approvalCasesProjection } from "./read-models/approval-cases.ts";
import { CasesCopy, casesCopyProjection } from "./read-models/cases-copy.ts";
import { defaultKpiTargets, type KpiTargets } from "./read-models/kpis.ts";
import { MattersCopy, mattersCopyProjection } from "./read-models/matters-copy.ts";
import { SqlSupervision, supervisionProjection } from "./read-models/supervision-sql.ts";

export { categories as supervisionCategories } from "./application/handlers.ts";
export { reviewConfigProblems } from "./config.ts";
export { computeKpis, defaultKpiTargets, type Kpis } from "./read-models/kpis.ts";
export { SupervisionModel } from "./read-models/supervision.ts";
export { SqlSupervision, supervisionProjection } from "./read-models/supervision-sql.ts";

/** What a working-day calendar must answer for this service. */
export interface WorkingDays {
  addWorkingDays(start: string, days: number): string;
  workingDaysBetween(from: string, to: string): number;
}

export interface ReviewModuleOptions {
  /** How often clocks are looked at (default every minute; 0: only through POST …/scheduler/run). */
  schedulerIntervalMs?: number;
  /** Default: this service's copy of the calendar the matters service publishes. */
  calendar?: WorkingDays;
  /** Working days left that make a yellow warning (default `REVIEW_YELLOW_DAYS`, else 2). */
  yellowDays?: number;
  /** Working days per loop step (default: 15 for the answer, see defaultStepDays). */
  stepDays?: Partial<Record<FeedbackStep, number>>;
  targets?: KpiTargets;
  /** Working days the supervising department has to claim a pushed decision or permit change (default 2). */
  claimDays?: number;
  /** The role an unclaimed push is escalated to (default `department-head`: the level above the officers). */
  escalateTo?: Role;
  /** 告知承诺 post-verification: working days to verify a sampled promise (default 20), the draw's seed
   *  (default `REVIEW_SAMPLING_SEED`), and the method and ratio for a matter version naming none
   *  (default 书面核查, every permit). */
  verification?: {
    days?: number;
    seed?: string;
    defaults?: { method: "written" | "online-check" | "on-site" | "public-notice"; samplingRatio: number };
  };
}

/** How long the reaction to approval's events waits, per try, for this service's copies to have seen a case. */
const COPY_WAIT_MS = 120_000;

/** The seed of the 告知承诺 sampling draw: `REVIEW_SAMPLING_SEED`, else a fixed platform default. */
export function samplingSeedFrom(env: Record<string, string | undefined>): string {
  const raw = env.REVIEW_SAMPLING_SEED;
  if (raw === undefined || raw === "") return DEVELOPMENT_SAMPLING_SEED;
  if (raw.length > 200) throw new Error("REVIEW_SAMPLING_SEED: at most 200 characters");
  return raw;
}

/** `REVIEW_YELLOW_DAYS`: a whole number ≥ 0; anything else stops the start, naming the variable. */
export function yellowDaysFrom(env: Record<string, string | undefined>): number {
  const raw = env.REVIEW_YELLOW_DAYS;
  if (raw === undefined || raw === "") return DEFAULT_YELLOW_DAYS;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`REVIEW_YELLOW_DAYS: must be a whole number ≥ 0 (got "${raw}")`);
  return n;
}

/**
 * The review-and-monitor service (审管互动, 效能监督, 好差评) as a module. Its read model is a SQL projection of its
 * own log; it keeps its copies of intake's and approval's cases, of the catalog and of the published calendar in
 * SQL from their topics (never a call), follows intake's and approval's clocks into its own `watch`
 * streams, and runs the warnings as a scheduled process.
 */
export async function reviewAndMonitorModule(deps: ServiceDeps, options: ReviewModuleOptions = {}) {
  const clock = deps.clock ?? (() => new Date().toISOString());
  // Its read model and its copies of intake's and approval's cases and of the catalog live in SQL beside the event
  // store (docs/projections.md): <DATA_DIR>/review-projections.db, or the PostgreSQL schema review_projections
  // (short: a test run's schema prefix and the name must fit 48 characters); a restart resumes from their
  // checkpoints and offsets, nothing is replayed.
  const read = await startServiceProjection(deps, "review", supervisionProjection, {
    lagHelp: "Review-and-monitor events its read model has not applied yet (capped at 10000)",
  });
  const { projection } = read;
  // The published calendar (a few versions, also held in memory), copied like the rest.
  const published = await read.calendarCopy();
  const model = new SqlSupervision(projection);
  const cases = new CasesCopy(await read.copy(casesCopyProjection));
  const approvalCopy = await read.copy(approvalCasesProjection);
  const mattersCopy = await read.copy(mattersCopyProjection);
  const approvalCases = new ApprovalCasesCopy(approvalCopy);
  const matters = new MattersCopy(mattersCopy);
  const calendar: WorkingDays = options.calendar ?? {
    addWorkingDays: (start, days) => published.calendar.current().addWorkingDays(start, days),
    workingDaysBetween: (from, to) => published.calendar.current().workingDaysBetween(from, to),
  };
  const yellowDays = options.yellowDays ?? yellowDaysFrom(process.env);
  const handlers: Handlers = makeHandlers(
    deps.store,
    { addWorkingDays: calendar.addWorkingDays, stepDays: { ...defaultStepDays, ...options.stepDays } },
    { workingDaysBetween: calendar.workingDaysBetween, yellowDays },
    {
      addWorkingDays: calendar.addWorkingDays,
      claimDays: options.claimDays ?? 2,
      escalateTo: options.escalateTo ?? "department-head",
    },
    {
      addWorkingDays: calendar.addWorkingDays,
      workingDaysBetween: calendar.workingDaysBetween,
      yellowDays,
      verificationDays: options.verification?.days ?? 20,
      seed: options.verification?.seed ?? samplingSeedFrom(process.env),
      defaults: options.verification?.defaults ?? { method: "written", samplingRatio: 1 },
    },
  );
  const reactions = await deps.bus.subscribe({
    groupId: "review-and-monitor-clocks",
    topics: clockTopics,
    handle: (event) => reactToIntake({ handlers, addWorkingDays: calendar.addWorkingDays }, event, clock()),
  });
  const approvalReactions = await deps.bus.subscribe({
    groupId: "review-and-monitor-approval",
    topics: approvalTopics,
    handle: async (event) => {
      // The copies of approval's cases and of the catalog are built by their own groups: wait for them before
      // reacting — while they are behind, up to two minutes a try (a busy machine or a restarted copy can be that
      // far behind: with a fixed five seconds, five tries and the event went to the dead letters, a decision never
      // pushed); once they have caught up and still do not know the case, five seconds.
      for (let waited = 0; ; waited += 100) {
        try {
          return await reactToApproval({ handlers, cases: approvalCases, matters }, event, clock());
        } catch (error) {
          if (!(error instanceof CaseNotYetKnown) || waited >= COPY_WAIT_MS) throw error;
          const behind = (await approvalCopy.lag()) > 0 || (await mattersCopy.lag()) > 0;
          if (!behind && waited >= 5_000) throw error;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
  });
  const schedule = startSchedule({
    name: SCHEDULER,
    intervalMs: options.schedulerIntervalMs ?? 60_000,
    ready: () => projection.caughtUp,
    run: () => evaluateClocks(handlers, model, clock(), deps.logger),
    logger: deps.logger,
  });
  // Commit-reveal of the 告知承诺 draw: an ended month's seed is revealed within the hour (docs/review-and-monitor.md).
  const reveal = startSchedule({
    name: SAMPLING_SCHEDULER,
    intervalMs: options.schedulerIntervalMs === 0 ? 0 : 3_600_000,
    ready: () => true,
    run: () => revealEndedPeriods(handlers, clock()),
    logger: deps.logger,
  });
  const module: ServiceModule & {
    handlers: Handlers;
    model: SqlSupervision;
    projection: ProjectionHandle;
    cases: CasesCopy;
    approvalCases: ApprovalCasesCopy;
    matters: MattersCopy;
    calendar: PublishedCalendar;
  } = {
    name: "review-and-monitor",
    prefix: "/review-and-monitor",
    handlers,
    model,
    projection,
    cases,
    approvalCases,
    matters,
    get calendar() {
      return published.calendar;
    },
    routes: reviewRoutes({
      handlers,
      model,
      cases,
      indexKey: piiIndexKey(deps.settings),
      clock,
      logger: deps.logger,
      targets: options.targets ?? defaultKpiTargets,
    }),
    errorMappers: [domainErrorMapper],
    readModels: [read.readModel],
    gauges: [read.lagGauge],
    readiness: [
      ...read.copiesReadiness(),
      {
        name: "review-and-monitor-copies",
        check: async () => {
          for (const s of [reactions, approvalReactions]) {
            const lag = await s.lag();
            if (lag > 0) throw new Error(`${s.groupId} is ${lag} events behind`);
          }
        },
      },
    ],
    close: async () => {
      await schedule.stop();
      await reveal.stop();
      await reactions.stop();
      await approvalReactions.stop();
    },
  };
  return module;
}
