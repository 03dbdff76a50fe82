import { join } from "node:path";
import type { PublishedCalendar } from "@gov/calendar";
import { commandHandler, rebuildMemoryModel } from "@gov/eventsourcing";
import type { ProjectionHandle } from "@gov/eventsourcing/projections";
import type { Subscription } from "@gov/messaging";
import { domainErrorMapper, type ServiceDeps, startServiceProjection } from "@gov/runtime";
import { FileKeyring, keyringOptionsFromEnv, sealKeyringProblems } from "@gov/seal";
import type { ServiceModule } from "@gov/service-kit";
import type { PermitCommands } from "./application/certificates.ts";
import type { CaseCommands } from "./application/issue.ts";
import { caseStream, caseTypes, permitStream, permitTypes, SOURCE } from "./application/streams.ts";
import type { WorkingDays } from "./domain/case/clock.ts";
import { caseDecider } from "./domain/case/decide.ts";
import { type ApprovalRules, defaultRules } from "./domain/case/rules.ts";
import { permitDecider } from "./domain/permit/decide.ts";
import { approvalRoutes } from "./http/routes.ts";
import { acceptanceTopics, reactToApplication } from "./reactions/acceptance.ts";
import { findingTopics, reactToFinding } from "./reactions/findings.ts";
import { ApprovalModel } from "./read-models/approval-model.ts";
import { approvalProjection, SqlApproval } from "./read-models/approval-sql.ts";
import { CreditCopy, creditCopyProjection } from "./read-models/credit-copy.ts";
import { MattersCopy, mattersCopyProjection } from "./read-models/matters-copy.ts";

export { ApprovalModel } from "./read-models/approval-model.ts";
export { approvalProjection, SqlApproval } from "./read-models/approval-sql.ts";

export interface ApprovalModuleOptions {
  /** The special procedures and the rights notice (default: 行政许可法 第四十五条 plus 现场勘验, 技术审查, 公示; 60 days / 6 months). */
  rules?: ApprovalRules;
  /** The working-day calendar (default: approval's copy of the calendar the matters service publishes). */
  calendar?: () => WorkingDays;
  /** A seal keyring opened by the caller (default: `SEAL_KEYRING_DIR`, else `<DATA_DIR>/approval-seal-keys`). */
  keyring?: FileKeyring;
}

export type ApprovalModule = ServiceModule & {
  cases: CaseCommands;
  permits: PermitCommands;
  /** The read model the routes answer from: cases and permits in SQL (the `approval_cases` projection). */
  model: SqlApproval;
  projection: ProjectionHandle;
  keyring: FileKeyring;
  calendar: PublishedCalendar;
  /** A fold of the whole log in memory (the reference the SQL model must equal; not for routes). */
  rebuild(): Promise<ApprovalModel>;
  /** Approval's copies of the catalog and of credit statuses (fed from their topics). */
  matters: MattersCopy;
  credit: CreditCopy;
  /** The reaction to intake's events (for redelivery tests). */
  react(event: import("@gov/messaging").BusEvent): Promise<void>;
};

/**
 * The approval service (审批) as a module. It keeps its own copies of the catalog, the working-day calendar and
 * credit statuses from their topics (never calling those services), opens a case for each application intake
 * accepts, and keeps its cases and permits in its own streams (`case-…`, `permit-…`). Certificates are sealed
 * with the issuing department's key from a keyring folder outside the event store.
 */
export async function approvalModule(
  deps: ServiceDeps,
  options: ApprovalModuleOptions = {},
): Promise<ApprovalModule> {
  const clock = deps.clock ?? (() => new Date().toISOString());
  if (process.env.NODE_ENV === "production") {
    const problems = sealKeyringProblems(process.env);
    if (problems.length > 0) throw new Error(problems.map((p) => `${p.variable}: ${p.message}`).join("; "));
  }
  const keyring =
    options.keyring ??
    FileKeyring.open(keyringOptionsFromEnv(process.env, join(deps.settings.DATA_DIR, "approval-seal-keys")));
  // Cases and permits live in SQL beside the event store (docs/projections.md): the SQLite file
  // <DATA_DIR>/approval-projections.db, or the PostgreSQL schema approval_projections; not rebuilt on start.
  const sql = await startServiceProjection(deps, "approval", approvalProjection, {
    lagHelp: "Case and permit events approval's read model has not applied yet (capped at 10000)",
  });
  // Its copies of the catalog, of credit statuses and of the published calendar, in the same database with the
  // topics' offsets (a restart resumes where it was); the calendar (a few versions) is also held in memory.
  const matters = new MattersCopy(await sql.copy(mattersCopyProjection));
  const credit = new CreditCopy(await sql.copy(creditCopyProjection));
  const published = await sql.calendarCopy();
  const calendar = options.calendar ?? (() => published.calendar.current());
  const cases: CaseCommands = commandHandler({
    store: deps.store,
    decider: caseDecider(calendar, options.rules ?? defaultRules),
    types: caseTypes,
    source: SOURCE,
    stream: caseStream,
  });
  const permits: PermitCommands = commandHandler({
    store: deps.store,
    decider: permitDecider,
    types: permitTypes,
    source: SOURCE,
    stream: permitStream,
  });
  const model = new SqlApproval(sql.projection);
  const react = (event: import("@gov/messaging").BusEvent) =>
    reactToApplication({ cases, permits, keyring, matters, credit, logger: deps.logger }, event, clock());
  const reactions: Subscription[] = [
    await deps.bus.subscribe({ groupId: "approval-acceptance", topics: acceptanceTopics, handle: react }),
    await deps.bus.subscribe({
      groupId: "approval-findings",
      topics: findingTopics,
      handle: (event) => reactToFinding({ cases, permits }, event, clock()),
    }),
  ];
  return {
    name: "approval",
    prefix: "/approval",
    cases,
    permits,
    model,
    projection: sql.projection,
    keyring,
    get calendar() {
      return published.calendar;
    },
    rebuild: () =>
      rebuildMemoryModel(deps.store, approvalProjection.categories as string[], new ApprovalModel()),
    matters,
    credit,
    react,
    routes: approvalRoutes({ cases, permits, keyring, model, calendar, clock }),
    errorMappers: [domainErrorMapper],
    readModels: [sql.readModel],
    gauges: [
      sql.lagGauge,
      {
        name: "approval_catalog_copy_matters",
        help: "Matters in approval's copy of the catalog",
        value: () => matters.size(),
      },
    ],
    readiness: sql.copiesReadiness(),
    close: async () => {
      for (const s of reactions) await s.stop();
    },
  };
}
