import { chinaDate } from "@gov/calendar";
import { startProjection } from "@gov/eventsourcing/projections";
import { openPostgresProjectionDatabase } from "@gov/eventsourcing/projections/postgres";
import {
  dropSchema,
  freshSchema,
  probePostgres,
  testConnectionString,
} from "@gov/eventsourcing/testing/postgres";
import { creditCodeCheckCharacter } from "@gov/identifiers";
import { serviceTestApp } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { creditModule } from "../module.ts";
import { rebuildRegistry } from "./registry-projection.ts";
import { registryProjection, SqlRegistry } from "./registry-sql.ts";

useBackend("sqlite", "credit registry in SQL (sqlite)", true);
const pgSuite = "credit registry in SQL (postgres)";
const onPostgres = useBackend("postgres", pgSuite, await probePostgres());

const market = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };
const code = (i: number) => {
  const first17 = `91330106MA2H${String(i).padStart(4, "0")}P`;
  return `${first17}${creditCodeCheckCharacter(first17)}`;
};

const start = () => serviceTestApp((deps) => creditModule(deps, { schedulerIntervalMs: 0 }));
let h: Awaited<ReturnType<typeof start>>;
beforeEach(async () => {
  h = await start();
});
afterEach(async () => {
  await h.dispose();
});

/** Registers `n` companies, each on the red list (in force at once), and one black-list entry still notified. */
async function given(n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await h.request({
      method: "POST",
      url: "/credit/subjects",
      as: "credit-admin",
      body: { kind: "organisation", creditCode: code(i), name: `示例公司${i}` },
    });
    const id = r.json().id as string;
    ids.push(id);
    const listing = await h.request({
      method: "POST",
      url: `/credit/subjects/${id}/listings`,
      as: "credit-admin",
      body: {
        listingId: `R${i}`,
        list: i === n - 1 ? "black" : "red",
        ...(i === n - 1 ? { severity: "general" } : {}),
        issuingDepartment: market,
        legalBasis: "国办发〔2019〕35号",
        reason: "纳税信用A级",
      },
    });
    expect(listing.statusCode, listing.body).toBe(201);
  }
  const head = (await h.store.readAll({ limit: 1_000_000 })).events.at(-1)?.position ?? "0";
  expect(await h.module.projection.waitFor(head, 10_000)).toBe(true);
  return ids;
}

describe("credit registry in SQL: lists page by cursor (?limit=&after=, at most 200)", () => {
  it("pages the red list in first-seen order with next-cursor until the last page; bad limits and cursors are 400", async () => {
    const ids = await given(6);
    const seen: string[] = [];
    let url: string | undefined = "/credit/lists/red?limit=2";
    let pages = 0;
    while (url) {
      const res = await h.request({ method: "GET", url });
      expect(res.statusCode, res.body).toBe(200);
      const items = res.json() as { subjectId: string; listing: { listingId: string } }[];
      expect(items.length).toBeLessThanOrEqual(2);
      seen.push(...items.map((i) => i.subjectId));
      pages++;
      const next = res.headers["next-cursor"] as string | undefined;
      if (next) expect(res.headers.link).toBe(`</credit/lists/red?limit=2&after=${next}>; rel="next"`);
      url = next ? `/credit/lists/red?limit=2&after=${next}` : undefined;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ids.slice(0, 5));
    // Without a limit: the default page (50) holds them all.
    const all = await h.request({ method: "GET", url: "/credit/lists/red" });
    expect(all.json()).toHaveLength(5);
    expect(all.headers["next-cursor"]).toBeUndefined();
    await h.when({ method: "GET", url: "/credit/lists/red?limit=201" }).thenRefused(400, ["query.limit"]);
    await h.when({ method: "GET", url: "/credit/lists/red?limit=0" }).thenRefused(400, ["query.limit"]);
    await h.when({ method: "GET", url: "/credit/lists/red?after=abc" }).thenRefused(400, ["query.after"]);
  });

  it("the scheduler's due list and the rebuild of the in-memory reference equal the SQL model", async () => {
    await given(3);
    h.clock.advanceDays(16);
    const today = chinaDate(h.clock.now());
    expect(await h.module.registry.due(today)).toEqual((await rebuildRegistry(h.store)).due(today));
    expect(await h.module.registry.due(today)).toHaveLength(1);
    expect((await rebuildRegistry(h.store)).snapshot()).toEqual(await h.module.registry.snapshot());
  });
});

describe.skipIf(!onPostgres)(pgSuite, () => {
  const schema = freshSchema("credit_registry");
  afterAll(() => dropSchema(schema));

  it("on a PostgreSQL schema, a build from the log equals the in-memory reference, lists and due list included", async () => {
    await given(4);
    const db = await openPostgresProjectionDatabase({
      ...(testConnectionString() ? { connectionString: testConnectionString() as string } : {}),
      schema,
    });
    const projection = await startProjection(h.store, db, registryProjection());
    try {
      const head = (await h.store.readAll({ limit: 1_000_000 })).events.at(-1)?.position ?? "0";
      expect(await projection.waitFor(head, 20_000)).toBe(true);
      const pg = new SqlRegistry(projection);
      const reference = await rebuildRegistry(h.store);
      expect(await pg.snapshot()).toEqual(reference.snapshot());
      expect((await pg.onList("red", { limit: 2 })).items).toEqual(reference.onList("red").slice(0, 2));
      const later = chinaDate(new Date(Date.parse(h.clock.now()) + 20 * 86_400_000).toISOString());
      expect(await pg.due(later)).toEqual(reference.due(later));
    } finally {
      await projection.close();
      await db.close();
    }
  });
});
