import { PublishedCalendar } from "@gov/calendar";
import type { FeedbackStep } from "@gov/contracts";
import { type Role, topics } from "@gov/contracts";
import { memoryReadModel } from "@gov/eventsourcing";
import type { Subscription } from "@gov/messaging";
import { domainErrorMapper, piiIndexKey, type ServiceDeps, startSchedule } from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { categories, type Handlers, handlers as makeHandlers } from "./application/handlers.ts";
import { evaluateClocks, SCHEDULER } from "./application/scheduler.ts";
import { DEVELOPMENT_SAMPLING_SEED } from "./config.ts";
import { defaultStepDays } from "./domain/feedback/decide.ts";
import { reviewRoutes } from "./http/routes.ts";
import { approvalTopics, CaseNotYetKnown, reactToApproval } from "./reactions/approval.ts";
import { clockTopics, reactToIntake } from "./reactions/intake-clocks.ts";
import { ApprovalCasesCopy, approvalCaseTopics } from "./read-models/approval-cases.ts";
import { CasesCopy, casesTopics } from "./read-models/cases-copy.ts";
import { defaultKpiTargets, type KpiTargets } from "./read-models/kpis.ts";
import { MattersCopy, mattersTopics } from "./read-models/matters-copy.ts";
import { SupervisionModel } from "./read-models/supervision.ts";

export { reviewConfigProblems } from "./config.ts";
export { computeKpis, defaultKpiTargets, type Kpis } from "./read-models/kpis.ts";
export { SupervisionModel } from "./read-models/supervision.ts";

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
  if (raw === undefined || raw === "") return 2;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`REVIEW_YELLOW_DAYS: must be a whole number ≥ 0 (got "${raw}")`);
  return n;
}

/**
 * The review-and-monitor service (审管互动, 效能监督, 好差评) as a module. It keeps its own copies of intake's cases and
 * of the published calendar (from their topics, never a call), follows intake's clocks into its own `watch`
 * streams, and runs the warnings as a scheduled process.
 */
export async function reviewAndMonitorModule(deps: ServiceDeps, options: ReviewModuleOptions = {}) {
  const clock = deps.clock ?? (() => new Date().toISOString());
  const published = new PublishedCalendar();
  const cases = new CasesCopy();
  const calendar: WorkingDays = options.calendar ?? {
    addWorkingDays: (start, days) => published.current().addWorkingDays(start, days),
    workingDaysBetween: (from, to) => published.current().workingDaysBetween(from, to),
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
  const approvalCases = new ApprovalCasesCopy();
  const matters = new MattersCopy();
  const views: Subscription[] = [
    await deps.bus.subscribe({
      groupId: "review-and-monitor-calendar-view",
      topics: [topics.matters.calendar],
      ephemeral: true,
      handle: (e) => void published.apply(e),
    }),
    await deps.bus.subscribe({
      groupId: "review-and-monitor-cases-view",
      topics: casesTopics,
      ephemeral: true,
      handle: (e) => cases.apply(e),
    }),
    await deps.bus.subscribe({
      groupId: "review-and-monitor-approval-view",
      topics: approvalCaseTopics,
      ephemeral: true,
      handle: (e) => approvalCases.apply(e),
    }),
    await deps.bus.subscribe({
      groupId: "review-and-monitor-matters-view",
      topics: mattersTopics,
      ephemeral: true,
      handle: (e) => matters.apply(e),
    }),
  ];
  const read = memoryReadModel(deps.store, {
    name: "review-and-monitor-supervision",
    categories,
    create: () => new SupervisionModel(),
  });
  const reactions = await deps.bus.subscribe({
    groupId: "review-and-monitor-clocks",
    topics: clockTopics,
    handle: (event) => reactToIntake({ handlers, addWorkingDays: calendar.addWorkingDays }, event, clock()),
  });
  const approvalReactions = await deps.bus.subscribe({
    groupId: "review-and-monitor-approval",
    topics: approvalTopics,
    handle: async (event) => {
      // The copy of approval's cases is built by its own group: wait for it (bounded) before reacting.
      for (let i = 0; ; i++) {
        try {
          return await reactToApproval({ handlers, cases: approvalCases, matters }, event, clock());
        } catch (error) {
          if (!(error instanceof CaseNotYetKnown) || i >= 100) throw error;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    },
  });
  const schedule = startSchedule({
    name: SCHEDULER,
    intervalMs: options.schedulerIntervalMs ?? 60_000,
    ready: () => read.caughtUp,
    run: () => evaluateClocks(handlers, read.model, clock(), deps.logger),
    logger: deps.logger,
  });
  const module: ServiceModule & {
    handlers: Handlers;
    model: SupervisionModel;
    rebuild: () => Promise<SupervisionModel>;
    cases: CasesCopy;
    approvalCases: ApprovalCasesCopy;
    matters: MattersCopy;
    calendar: PublishedCalendar;
  } = {
    name: "review-and-monitor",
    prefix: "/review-and-monitor",
    handlers,
    model: read.model,
    rebuild: () => read.rebuild(),
    cases,
    approvalCases,
    matters,
    calendar: published,
    routes: reviewRoutes({
      handlers,
      model: read.model,
      cases,
      indexKey: piiIndexKey(deps.settings),
      clock,
      logger: deps.logger,
      targets: options.targets ?? defaultKpiTargets,
    }),
    errorMappers: [domainErrorMapper],
    readModels: [
      {
        name: read.name,
        readiness: read.readiness,
        waitFor: (position, timeoutMs) => read.waitFor(position, timeoutMs),
        close: () => read.close(),
      },
    ],
    readiness: [
      {
        name: "review-and-monitor-copies",
        check: async () => {
          for (const s of [...views, reactions, approvalReactions]) {
            const lag = await s.lag();
            if (lag > 0) throw new Error(`${s.groupId} is ${lag} events behind`);
          }
        },
      },
    ],
    close: async () => {
      await schedule.stop();
      await reactions.stop();
      await approvalReactions.stop();
      for (const s of views) await s.stop();
    },
  };
  return module;
}
