import {
  type DepartmentRef,
  type MattersEventName,
  mattersEventSchemas,
  mattersEventTypes,
} from "@gov/contracts";
import {
  type CommandContext,
  commandHandler,
  type EventStore,
  EventTypes,
  NotFound,
} from "@gov/eventsourcing";
import type { BaselineEvent } from "../domain/baseline/baseline.ts";
import { baselineDecider } from "../domain/baseline/decide.ts";
import type { BundleDependency, BundleEvent } from "../domain/bundle/bundle.ts";
import { bundleDecider } from "../domain/bundle/decide.ts";
import { matterDecider } from "../domain/matter/decide.ts";
import type { MatterEvent } from "../domain/matter/matter.ts";
import type { CatalogLookup } from "../read-models/queries.ts";

/** The envelope `source` of every event this service appends. */
export const SOURCE = "gov.matters";

export const matterStream = (matterId: string) => `matter-${matterId}`;
export const bundleStream = (bundleId: string) => `bundle-${bundleId}`;
/** One stream per baseline figure, e.g. `baseline-materials-asked`. */
export const baselineStream = (measure: string) => `baseline-${measure}`;

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) picked[key] = from[key];
  return picked;
}

/** The contract's wire names and schemas for one aggregate's events: every append is checked against them. */
function contractOf<K extends MattersEventName>(names: readonly K[]) {
  return { map: pick(mattersEventTypes, names), schemas: pick(mattersEventSchemas, names) };
}

const matterContract = contractOf([
  "MatterDrafted",
  "MatterDraftRevised",
  "MatterClaimed",
  "MatterPublished",
  "MatterSuspended",
  "MatterResumed",
  "MatterRetired",
  "MatterTransferRequested",
  "MatterTransferConfirmed",
  "MatterTransferCancelled",
]);
const bundleContract = contractOf(["BundlePublished", "BundleRetired"]);
const baselineContract = contractOf(["BaselineRecorded"]);

export const matterTypes = new EventTypes<MatterEvent>(matterContract.map, {
  schemas: matterContract.schemas,
});
export const bundleTypes = new EventTypes<BundleEvent>(bundleContract.map, {
  schemas: bundleContract.schemas,
});

export const baselineTypes = new EventTypes<BaselineEvent>(baselineContract.map, {
  schemas: baselineContract.schemas,
});

// A matter or a bundle is not a case (办件): their events carry no `caseid`.
const noCase = () => undefined;

export const matterHandler = (store: EventStore) =>
  commandHandler({
    store,
    decider: matterDecider,
    types: matterTypes,
    source: SOURCE,
    stream: matterStream,
    caseId: noCase,
  });
export type MatterHandler = ReturnType<typeof matterHandler>;

export const bundleHandler = (store: EventStore) =>
  commandHandler({
    store,
    decider: bundleDecider,
    types: bundleTypes,
    source: SOURCE,
    stream: bundleStream,
    caseId: noCase,
  });
export type BundleHandler = ReturnType<typeof bundleHandler>;

export const baselineHandler = (store: EventStore) =>
  commandHandler({
    store,
    decider: baselineDecider,
    types: baselineTypes,
    source: SOURCE,
    stream: baselineStream,
    caseId: noCase,
  });

export interface DefineBundleInput {
  bundleId: string;
  name: string;
  leadDepartment: DepartmentRef;
  matterIds: string[];
  /** Dependencies the catalog data cannot show; the rest are derived (domain/bundle/dependencies.ts). */
  dependencies?: BundleDependency[];
}

/**
 * 一件事: looks up the matters' published versions in the catalog read model (a matter without one is 404),
 * then defines the bundle with them; the decider derives which member's result is which other member's
 * material, checks the explicit `dependencies` against the members, and refuses a cycle.
 */
export async function defineBundle(
  bundles: BundleHandler,
  catalog: CatalogLookup,
  input: DefineBundleInput,
  ctx: CommandContext,
) {
  const views = await Promise.all(input.matterIds.map((matterId) => catalog.get(matterId)));
  const matters = input.matterIds.map((matterId, i) => {
    const view = views[i];
    if (!view?.current || view.status === "retired") {
      throw new NotFound(`matterIds[${i}]: matter ${matterId} has no published version`);
    }
    return {
      matterId,
      version: view.current.version,
      suspended: view.status === "suspended",
      elements: view.current.elements,
    };
  });
  const { bundleId, name, leadDepartment, dependencies } = input;
  return bundles.handle(
    bundleId,
    {
      type: "DefineBundle",
      data: { bundleId, name, leadDepartment, matters, ...(dependencies ? { dependencies } : {}) },
    },
    ctx,
  );
}

/** The service's command side: one handler per aggregate, and the use cases that look before they act. */
export function mattersCommands(store: EventStore, catalog: CatalogLookup) {
  const matters = matterHandler(store);
  const bundles = bundleHandler(store);
  const baselines = baselineHandler(store);
  return {
    matters,
    bundles,
    /** The figures the KPIs are measured against, one stream per measure (`baseline-<measure>`). */
    baselines,
    defineBundle: (input: DefineBundleInput, ctx: CommandContext) =>
      defineBundle(bundles, catalog, input, ctx),
  };
}
export type MattersCommands = ReturnType<typeof mattersCommands>;
