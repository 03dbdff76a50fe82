import { type DepartmentRef, type MatterElements, mattersEventTypes } from "@gov/contracts";
import { commandIds, type EventStore, EventTypes, eventMetadata, handleCommand } from "@gov/eventsourcing";
import {
  type BundleCommand,
  type BundleEvent,
  evolveBundle,
  initialBundleState,
} from "../domain/bundle/bundle.ts";
import { decideBundle } from "../domain/bundle/decide.ts";
import { NotFound } from "../domain/errors.ts";
import type { CommandMetadata, MatterCommand } from "../domain/matter/commands.ts";
import { decideMatter } from "../domain/matter/decide.ts";
import {
  evolveMatter,
  initialMatterState,
  type MatterEvent,
  type MatterState,
} from "../domain/matter/matter.ts";
import type { Catalog } from "../read-models/catalog.ts";

export const SOURCE = "gov.matters";

const matterDecider = { initialState: initialMatterState, evolve: evolveMatter, decide: decideMatter };
const bundleDecider = { initialState: initialBundleState, evolve: evolveBundle, decide: decideBundle };
const pick = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, mattersEventTypes[k as keyof typeof mattersEventTypes]])) as Record<
    K,
    string
  >;
export const matterTypes = new EventTypes<MatterEvent>(
  pick([
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
  ]),
);
export const bundleTypes = new EventTypes<BundleEvent>(pick(["BundlePublished", "BundleRetired"]));

export const matterStream = (matterId: string) => `matter-${matterId}`;
export const bundleStream = (bundleId: string) => `bundle-${bundleId}`;

/** Request-scoped context: who, when, and the ids that tie the events to the request. */
export interface RequestContext extends CommandMetadata {
  correlationId?: string;
  idempotencyKey?: string;
}

type MatterCommandInput = {
  [K in MatterCommand["type"]]: Omit<Extract<MatterCommand, { type: K }>, "metadata">;
}[MatterCommand["type"]];

/** The matters service's use cases: each loads a stream, decides, appends. */
export class MattersService {
  readonly #store: EventStore;
  readonly #catalog: Catalog;

  constructor(store: EventStore, catalog: Catalog) {
    this.#store = store;
    this.#catalog = catalog;
  }

  async matter(matterId: string): Promise<MatterState> {
    const events = await this.#store.readStream(matterStream(matterId));
    const domain = events.flatMap((e) => matterTypes.toDomain(e) ?? []);
    return domain.reduce(evolveMatter, initialMatterState());
  }

  async execute(matterId: string, input: MatterCommandInput, ctx: RequestContext) {
    const command = { ...input, metadata: { now: ctx.now, actor: ctx.actor } } as MatterCommand;
    return handleCommand({
      store: this.#store,
      streamId: matterStream(matterId),
      decider: matterDecider,
      types: matterTypes,
      command,
      metadata: eventMetadata(SOURCE, ctx),
      ...commandIds(ctx),
    });
  }

  draft(matterId: string, elements: MatterElements, ctx: RequestContext) {
    return this.execute(matterId, { type: "DraftMatter", data: { matterId, elements } }, ctx);
  }

  /** 一件事: the matters' published versions come from the catalog read model. */
  async defineBundle(
    input: { bundleId: string; name: string; leadDepartment: DepartmentRef; matterIds: string[] },
    ctx: RequestContext,
  ) {
    const matters = input.matterIds.map((matterId, i) => {
      const view = this.#catalog.get(matterId);
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
    const command: BundleCommand = {
      type: "DefineBundle",
      data: { bundleId: input.bundleId, name: input.name, leadDepartment: input.leadDepartment, matters },
      metadata: { now: ctx.now, actor: ctx.actor },
    };
    return this.#runBundle(input.bundleId, command, ctx);
  }

  retireBundle(bundleId: string, reason: string, ctx: RequestContext) {
    return this.#runBundle(
      bundleId,
      { type: "RetireBundle", data: { reason }, metadata: { now: ctx.now, actor: ctx.actor } },
      ctx,
    );
  }

  #runBundle(bundleId: string, command: BundleCommand, ctx: RequestContext) {
    return handleCommand({
      store: this.#store,
      streamId: bundleStream(bundleId),
      decider: bundleDecider,
      types: bundleTypes,
      command,
      metadata: eventMetadata(SOURCE, ctx),
      ...commandIds(ctx),
    });
  }
}
