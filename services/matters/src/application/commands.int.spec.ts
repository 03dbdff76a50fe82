import type { CommandContext } from "@gov/eventsourcing";
import { dropSchema, freshSchema, openTestStore, probePostgres } from "@gov/eventsourcing/testing/postgres";
import { useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { departmentCode, validElements } from "../domain/matter/fixtures.ts";
import { catalogReadModel, rebuildCatalog } from "../read-models/catalog-projection.ts";
import { catalogKpis } from "../read-models/kpis.ts";
import { mattersCommands } from "./commands.ts";

const available = await probePostgres();
const run = useBackend("postgres", "matters service on a real store (postgres)", available);
const schema = freshSchema("matters");

describe.skipIf(!run)("matters use cases on a real event store", () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  const controller = new AbortController();
  beforeAll(async () => {
    store = await openTestStore(schema);
  });
  afterAll(async () => {
    controller.abort();
    await store?.close();
    await dropSchema(schema);
  });

  it("drafts, claims and publishes matters, defines a bundle; the live catalog equals a rebuild from the log", async () => {
    const projection = catalogReadModel(store);
    controller.signal.addEventListener("abort", () => void projection.close());
    const { matters, defineBundle } = mattersCommands(store, projection.model);
    const market = validElements();
    const taxCode = departmentCode("11440200MB2C05555");
    const tax = validElements({
      name: "发票申领",
      caseKind: "on-the-spot",
      promisedTimeLimitDays: 0,
      processSteps: [{ name: "受理" }],
      onlineDepth: 4,
      onSiteVisits: 0,
      implementingDepartment: { creditCode: taxCode, name: "税务局", nature: "statutory-organ" },
      implementationCode: `${taxCode}3${market.basicCode}`,
    });
    const admin: CommandContext = { now: "2026-03-02T09:00:00+08:00", actor: { id: "admin", role: "admin" } };
    for (const [id, e] of [
      ["food", market],
      ["invoice", tax],
    ] as const) {
      await matters.handle(id, { type: "DraftMatter", data: { matterId: id, elements: e } }, admin);
      await matters.handle(
        id,
        { type: "ClaimMatter", data: {} },
        {
          ...admin,
          actor: { id: "o", role: "officer", department: e.implementingDepartment.creditCode },
        },
      );
      await matters.handle(id, { type: "PublishMatter", data: {} }, admin);
    }
    await expect.poll(() => projection.model.search().length, { timeout: 5000 }).toBe(2);
    await defineBundle(
      {
        bundleId: "startup",
        name: "企业开办",
        leadDepartment: { creditCode: market.implementingDepartment.creditCode, name: "市场监管局" },
        matterIds: ["food", "invoice"],
      },
      admin,
    );
    await expect.poll(() => projection.model.bundles().length, { timeout: 5000 }).toBe(1);
    expect(projection.model.version("food", 1)?.elements.name).toBe("食品经营许可");
    const kpis = catalogKpis(projection.model);
    expect(kpis.overall.onTheSpot).toMatchObject({ count: 1, total: 2, rate: 0.5, met: false });
    expect((await rebuildCatalog(store)).snapshot()).toEqual(projection.model.snapshot());
  });
});
