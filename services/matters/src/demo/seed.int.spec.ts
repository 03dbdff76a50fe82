import type { EventStore } from "@gov/eventsourcing";
import type { ServiceDeps } from "@gov/runtime";
import { serviceTestApp } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mattersModule } from "../module.ts";
import { rebuildCatalog } from "../read-models/catalog-projection.ts";
import { catalogKpis } from "../read-models/kpis.ts";
import { demoBundles, demoMaterialsBaseline, demoMatters, seedDemoCatalog } from "./seed.ts";

useBackend("sqlite", "demo catalog loaded into a SQLite store", true);

async function logLength(store: EventStore) {
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ ...(after ? { after } : {}), limit: 1000 });
    count += page.events.length;
    if (page.endOfLog || page.nextPosition === undefined || page.nextPosition === after) return count;
    after = page.nextPosition;
  }
}

describe("loading the demo catalog", () => {
  let h: Awaited<ReturnType<typeof start>>;
  let deps: ServiceDeps;
  const start = () =>
    serviceTestApp((d) => {
      deps = d;
      return mattersModule(d);
    });
  beforeAll(async () => {
    h = await start();
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it("publishes every demo matter and both bundles through the service's commands", async () => {
    await h.module.seedDemo?.();
    const catalog = await rebuildCatalog(h.store);
    expect(catalog.search().filter((x) => x.status === "published")).toHaveLength(demoMatters.length);
    expect(
      catalog
        .bundles()
        .map((b) => b.bundleId)
        .sort(),
    ).toEqual(demoBundles.map((b) => b.bundleId).sort());
    for (const b of catalog.bundles()) {
      const demo = demoBundles.find((x) => x.bundleId === b.bundleId);
      expect(b.data.matters.map((x) => x.matterId)).toEqual(demo?.matterIds);
      // 一套材料 (乐山市加快推进政务服务标准化规范化便利化工作方案 (2022) 三(三)1): the ID cards are asked once for
      // the whole bundle; the business licence and the birth certificate are produced inside it, never asked.
      const shared = b.data.materials.filter((x) => x.satisfies.length > 1);
      expect(shared.length).toBeGreaterThan(0);
      expect(b.data.dependencies?.length, b.bundleId).toBeGreaterThan(0);
      const produced = new Set(b.data.dependencies?.map((d) => `${d.matterId}/${d.materialId}`));
      for (const m of b.data.materials)
        for (const s of m.satisfies) expect(produced.has(`${s.matterId}/${s.materialId}`)).toBe(false);
    }
    // materials reduced (国办发〔2018〕45号: 材料减少60%以上) against the demo's recorded baseline
    expect(catalog.baseline("materials-asked")).toMatchObject({ ...demoMaterialsBaseline, version: 1 });
    const { materialsReduced } = catalogKpis(catalog);
    expect(materialsReduced).toMatchObject({ listed: 80, asked: 47, total: 118, count: 71, met: true });
  });

  it("stores nothing more when loaded again, in the same process or after a restart", async () => {
    const before = await logLength(h.store);
    const restarted = await mattersModule(deps);
    try {
      const again = await seedDemoCatalog(restarted.commands, await rebuildCatalog(h.store), {
        now: () => "2027-01-04T09:00:00+08:00",
      });
      expect(again).toEqual({ drafted: 0, claimed: 0, published: 0, bundles: 0, baselines: 0 });
      await restarted.seedDemo?.();
      expect(await logLength(h.store)).toBe(before);
    } finally {
      for (const r of restarted.readModels ?? []) await r.close();
    }
  });
});
