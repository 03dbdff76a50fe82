import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { creditEventTypes, type MatterElements, mattersEventTypes } from "@gov/contracts";
import { embeddedTestStore } from "@gov/eventsourcing/testing";
import { EmbeddedEventBus } from "@gov/messaging";
import { runtimeConfig } from "@gov/runtime";
import { type App, buildApp, createLogger, loadConfig, mintToken, type Role } from "@gov/service-kit";
import { testClock } from "@gov/testing";
import { z } from "zod";
import { hygieneMatter, hygieneRequirements } from "./domain/fixtures.ts";
import { intakeModule } from "./module.ts";

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

/** Another service's event, appended as that service would (intake sees it through the bus). */
function foreign(source: string, stream: string, type: string, data: object) {
  return {
    stream,
    event: {
      id: crypto.randomUUID(),
      type,
      source,
      time: new Date().toISOString(),
      data: data as never,
      actor: { id: "someone", role: "admin" as const },
    },
  };
}

/** The intake module on a real SQLite store behind the service kit, with matters' and credit's events fed in. */
export async function intakeTestApp() {
  const t = await embeddedTestStore();
  const dir = mkdtempSync(join(tmpdir(), "intake-"));
  const settings = z.object(runtimeConfig).parse({ DATA_DIR: dir, EVENT_BUS: "embedded" });
  const bus = new EmbeddedEventBus(t.store, t.store.checkpoints);
  const clock = testClock("2026-09-29T10:00:00+08:00");
  const module = await intakeModule(
    { store: t.store, bus, settings },
    { clock: clock.now, schedulerIntervalMs: 0 },
  );
  const app: App = await buildApp({
    modules: [module],
    config: loadConfig({ NODE_ENV: "test" }),
    logger: createLogger({ level: "silent", pretty: false }),
  });
  const as = async (role: Role, extra: { sub?: string; region?: string; department?: string } = {}) => ({
    authorization: `Bearer ${await mintToken({ sub: extra.sub ?? `${role}-1`, role, ...(extra.region ? { region: extra.region } : {}), ...(extra.department ? { department: extra.department } : {}) })}`,
  });
  return {
    app,
    store: t.store,
    module,
    clock,
    as,
    newEvents: t.newEvents,
    /** Publishes the fixture matter (version 1) the way the matters service does. */
    async publishMatter(elements: MatterElements = hygieneElements, matterId = hygieneMatter.matterId) {
      const f = foreign("gov.matters", `matter-${matterId}`, mattersEventTypes.MatterPublished, {
        matterId,
        version: 1,
        effectiveFrom: "2026-01-01T00:00:00+08:00",
        elements,
      });
      await t.store.append(f.stream, [f.event], "any");
    },
    /** Sets a subject's credit status the way the credit service announces it. */
    async creditStatus(subjectId: string, status: "strict-review" | "green-channel" | "normal") {
      const strict = status === "strict-review";
      const f = foreign("gov.credit", `subject-${subjectId}`, creditEventTypes.CreditStatusChanged, {
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
      });
      await t.store.append(f.stream, [f.event], "any");
    },
    async dispose() {
      await app.close();
      for (const m of app.modules) await m.close?.();
      await bus.close();
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
