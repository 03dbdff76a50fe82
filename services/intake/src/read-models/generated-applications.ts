import { officialCalendar } from "@gov/calendar";
import type { NewEvent } from "@gov/eventsourcing";
import { applicationTypes } from "../application/applications.ts";
import type { ApplicationEvent } from "../domain/application/application.ts";
import type { ApplicationCommand } from "../domain/application/commands.ts";
import { applicationDecider } from "../domain/application/decide.ts";
import {
  applicant as fixtureApplicant,
  greenCredit,
  hygieneMatter,
  hygieneRequirements,
  normalCredit,
} from "../domain/application/fixtures.ts";

/**
 * A generated log of applications for benchmarks (`pnpm bench:scale`) and the projection's tests: application `i`'s
 * events, decided by intake's own decider (real event shapes) as the command path would, with their envelopes.
 * The mix: 15 % green channel, over 4 regions × 4 departments of the demo's 公共场所卫生许可-like matter; 45 %
 * accepted complete, 15 % 一次性告知 then supplemented and accepted, 10 % 容缺 accepted on a signed promise (half
 * supply later), 5 % 告知承诺, 5 % withdrawn, 20 % still waiting in the queue. Not demo data: never loaded by a service.
 */
const decider = applicationDecider(officialCalendar());
export const regions = ["330100", "330102", "330106", "330108"];
const departments = ["11330100002490234Q", "11330100002490235R", "11330100002490236T", "11330100002490237U"];
const file = (id: string) => ({ uri: `s3://intake-uploads/${id}.pdf`, sha256: "a".repeat(64) });
const provided = (id: string) => ({ materialId: id, provision: "provided" as const, file: file(id) });
const complete = [
  provided("M01"),
  { materialId: "LIC", provision: "certificate" as const, certificateId: "ZZ-330106-2025-000123" },
  provided("M03"),
  provided("M04"),
];

export function applicationEvents(i: number): { events: NewEvent[]; caseNumber?: string } {
  const r = (i * 2654435761) % 100;
  const region = regions[i % 4] as string;
  const dept = departments[(i >> 2) % 4] as string;
  const day = `2026-${String(3 + (i % 9)).padStart(2, "0")}-${String(1 + (i % 27)).padStart(2, "0")}`;
  const matter = {
    ...hygieneMatter,
    region,
    department: { creditCode: dept, name: `部门${dept.slice(-2)}` },
    implementationCode: `${dept}${hygieneMatter.implementationCode.slice(18)}`,
  };
  const id = `B${String(i).padStart(9, "0")}`;
  const creditCode = fixtureApplicant.creditCode;
  const applicant = { ...fixtureApplicant, subjectId: `O${creditCode}${i % 500}` };
  const at = (hour: number) => ({
    now: `${day}T${String(hour).padStart(2, "0")}:00:00+08:00`,
    actor: { id: "clerk-1", role: "window-clerk" as const, region },
  });
  const caseNumber = `${matter.implementationCode}${day.replaceAll("-", "")}${String(i % 10_000).padStart(4, "0")}`;
  const deferred = r >= 60 && r < 70;
  const commands: ApplicationCommand[] = [
    {
      type: "SubmitApplication",
      data: {
        applicationId: id,
        matter,
        requirements: hygieneRequirements,
        applicant,
        channel: i % 10 < 7 ? "window" : "online",
        materials:
          r >= 45 && r < 60
            ? [complete[0], complete[1], complete[3]]
            : deferred
              ? complete.slice(0, 3)
              : complete,
        informedCommitmentRequested: r >= 70 && r < 75,
        credit: r % 7 === 0 ? greenCredit : normalCredit,
      },
      metadata: at(9),
    } as ApplicationCommand,
  ];
  if (r < 45 || (r >= 70 && r < 75))
    commands.push({
      type: "CheckApplication",
      data: { defects: [], caseNumber },
      metadata: at(10),
    } as ApplicationCommand);
  if (r >= 45 && r < 60) {
    commands.push({
      type: "CheckApplication",
      data: { defects: [] },
      metadata: at(10),
    } as ApplicationCommand);
    commands.push({
      type: "SupplementMaterials",
      data: { materials: [provided("M03")] },
      metadata: at(11),
    } as ApplicationCommand);
    commands.push({
      type: "CheckApplication",
      data: { defects: [], caseNumber },
      metadata: at(12),
    } as ApplicationCommand);
  }
  if (deferred) {
    const supplyBy = new Date(Date.parse(`${day}T12:00:00+08:00`) + 3 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    commands.push({
      type: "CheckApplication",
      data: {
        defects: [],
        caseNumber,
        deferralPromise: {
          materialIds: ["M04"],
          supplyBy,
          signature: { file: file("promise"), signedAt: `${day}T09:30:00+08:00`, signedBy: `O${creditCode}` },
        },
      },
      metadata: at(10),
    } as ApplicationCommand);
    if (r % 2 === 0)
      commands.push({
        type: "SupplyDeferredMaterials",
        data: { materials: [provided("M04")] },
        metadata: at(15),
      } as ApplicationCommand);
  }
  if (r >= 75 && r < 80)
    commands.push({
      type: "WithdrawApplication",
      data: { reason: "申请人撤回" },
      metadata: at(10),
    } as ApplicationCommand);
  let state = decider.initialState();
  const events: NewEvent[] = [];
  for (const c of commands) {
    let decided: ApplicationEvent[];
    try {
      decided = decider.decide(c, state);
    } catch (error) {
      if (process.env.BENCH_DEBUG) process.stderr.write(`${c.type}: ${String(error)}\n`);
      continue; // a command the mix made that the rules refuse (e.g. a 告知承诺 the matter's credit gate refuses)
    }
    for (const e of decided) {
      state = decider.evolve(state, e);
      events.push({
        id: crypto.randomUUID(),
        type: applicationTypes.wireType(e.type),
        source: "gov.intake",
        time: c.metadata?.now as string,
        data: e.data as NewEvent["data"],
        caseid: id,
        region,
        actor: c.metadata?.actor as NewEvent["actor"],
      });
    }
  }
  return { events, ...(state.status === "accepted" ? { caseNumber } : {}) };
}

/** The id of application `i`. */
export const generatedId = (i: number) => `B${String(i).padStart(9, "0")}`;
