import { setTimeout as sleep } from "node:timers/promises";
import type { Actor } from "@gov/contracts";
import type { CommandContext } from "@gov/eventsourcing";
import type { MattersCommands } from "../application/commands.ts";
import type { CatalogLookup } from "../read-models/queries.ts";
import type { DemoMatter } from "./build.ts";
import { type DemoBundle, demoBundles, demoMaterialsBaseline } from "./bundles.ts";
import { businessMatters } from "./matters-business.ts";
import { citizenMatters } from "./matters-citizens.ts";

/** The whole demo catalog: 23 matters of 11 departments, every on-application type, two bundles, a materials baseline. */
export const demoMatters: DemoMatter[] = [...businessMatters, ...citizenMatters];
export { demoBundles, demoMaterialsBaseline };

export interface SeedResult {
  drafted: number;
  claimed: number;
  published: number;
  bundles: number;
  baselines: number;
}

const admin: Actor = { id: "demo-catalog-loader", role: "admin" };

/**
 * Loads the demo catalog through the service's own commands (draft → 认领 by the department → publish; then the
 * bundles once the catalog shows the published matters). Idempotent: a step already taken is skipped, and each
 * command carries an idempotency key, so a second load — or two processes loading at once — stores nothing new.
 */
export async function seedDemoCatalog(
  commands: MattersCommands,
  catalog: CatalogLookup,
  options: { now?: () => string; timeoutMs?: number } = {},
): Promise<SeedResult> {
  const now = options.now ?? (() => new Date().toISOString());
  const result: SeedResult = {
    drafted: 0,
    claimed: 0,
    published: 0,
    bundles: 0,
    baselines: 0,
  };
  const { matters } = commands;
  const ctx = (key: string, actor: Actor = admin): CommandContext => ({
    now: now(),
    actor,
    idempotencyKey: `demo-catalog:${key}`,
  });
  for (const { matterId, elements } of demoMatters) {
    let state = await matters.load(matterId);
    if (state.status === "none") {
      await matters.handle(
        matterId,
        { type: "DraftMatter", data: { matterId, elements } },
        ctx(`${matterId}:draft`),
      );
      result.drafted++;
      state = await matters.load(matterId);
    }
    if (state.status !== "draft") continue; // published already, or retired by someone since: leave it so
    if (!state.claimed) {
      const officer: Actor = {
        id: "demo-catalog-loader",
        role: "officer",
        department: state.department.creditCode,
      };
      await matters.handle(matterId, { type: "ClaimMatter", data: {} }, ctx(`${matterId}:claim`, officer));
      result.claimed++;
    }
    await matters.handle(matterId, { type: "PublishMatter", data: {} }, ctx(`${matterId}:publish`));
    result.published++;
  }
  for (const bundle of demoBundles) {
    if (await catalog.bundle(bundle.bundleId)) continue;
    await untilPublished(catalog, bundle, options.timeoutMs ?? 30_000);
    if (await catalog.bundle(bundle.bundleId)) continue;
    await commands.defineBundle(bundle, ctx(`${bundle.bundleId}:define`));
    result.bundles++;
  }
  // The materials baseline, unless one is recorded already (perhaps corrected by an administrator: left so).
  if ((await commands.baselines.load("materials-asked")).status === "unrecorded") {
    await commands.baselines.handle(
      "materials-asked",
      { type: "RecordBaseline", data: { measure: "materials-asked", ...demoMaterialsBaseline } },
      ctx("baseline:materials-asked"),
    );
    result.baselines++;
  }
  return result;
}

/** The bundle command reads the matters' published versions from the catalog: wait until it shows them. */
async function untilPublished(catalog: CatalogLookup, bundle: DemoBundle, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const missing = async () => {
    const views = await Promise.all(bundle.matterIds.map((id) => catalog.get(id)));
    return bundle.matterIds.filter((_, i) => !views[i]?.current);
  };
  for (let left = await missing(); left.length > 0; left = await missing()) {
    if (Date.now() > deadline) {
      throw new Error(`demo bundle ${bundle.bundleId}: the catalog never showed ${left.join(", ")}`);
    }
    await sleep(20);
  }
}
