import type { CommandContext, EventStore, Json, RecordedEvent } from "@gov/eventsourcing";
import type { AuditKey } from "@gov/runtime";
import {
  diffStates,
  type StreamChange,
  type StreamState,
  stateAt,
  withOwnerStates,
} from "../domain/trail/fold.ts";
import { type CausalGraph, causalGraph } from "../domain/trail/graph.ts";
import type { Trail, TrailEvent } from "../read-models/trail.ts";
import { type AuditBundle, signBundle } from "./bundle.ts";
import type { AuditLedger } from "./ledger.ts";

/** Personal data fields (ciphertext under the subject's erasable key, @gov/pii): never shown, only marked. */
const PROTECTED_FIELDS = new Set(["identity", "sealedText"]);
const ERASURE = /identity-erased\.v\d+$/;

export interface TimelineEvent extends Omit<TrailEvent, "data"> {
  data: Json;
  /** The stream's personal data was erased (crypto-shredding): its sealed fields read `(erased)`. */
  erased?: true;
}

export interface Timeline {
  case: string;
  /** Every other key the case's events carry (办件编号, certificate numbers, subjects). */
  alsoKnownAs: string[];
  events: TimelineEvent[];
  graph: CausalGraph;
}

/** Keys that name one case (a subject id names a party to many cases, so it does not join cases together). */
const LINKING_FIELDS = ["applicationId", "caseId", "caseNumber", "certificateId", "certificateNumber"];

/** The trail as an auditor reads it: timelines, point-in-time states, differences and export bundles. */
export class CaseQueries {
  private readonly deps: { store: EventStore; trail: Trail; ledger: AuditLedger; key: AuditKey };
  constructor(deps: { store: EventStore; trail: Trail; ledger: AuditLedger; key: AuditKey }) {
    this.deps = deps;
  }

  /**
   * Every event of the case, in log order: those indexed under `caseKey`, then those under the other keys
   * they carry (an application's 办件编号 finds review-and-monitor's finding about it), a few rounds deep.
   */
  async caseEvents(caseKey: string): Promise<TrailEvent[]> {
    const seen = new Map<number, TrailEvent>();
    const asked = new Set<string>();
    let next = [caseKey];
    for (let round = 0; round < 4 && next.length > 0; round++) {
      for (const key of next) asked.add(key);
      // One query a round for all the new keys; events found in an earlier round are not parsed again.
      const found = await this.deps.trail.eventsOfKeys(next, new Set(seen.keys()));
      for (const e of found) seen.set(e.logIndex, e);
      const more = new Set<string>();
      for (const e of found) {
        if (e.caseid && !e.stream.startsWith("subject-")) more.add(e.caseid);
        for (const field of LINKING_FIELDS) {
          const v = (e.data as Record<string, unknown> | null)?.[field];
          if (typeof v === "string") more.add(v);
        }
      }
      next = [...more].filter((k) => !asked.has(k));
    }
    return [...seen.values()].sort((a, b) => a.logIndex - b.logIndex);
  }

  async timeline(caseKey: string): Promise<Timeline | undefined> {
    const events = await this.caseEvents(caseKey);
    if (events.length === 0) return undefined;
    const erasedStreams = new Set(events.filter((e) => ERASURE.test(e.type)).map((e) => e.stream));
    const keys = new Set<string>();
    for (const e of events) {
      if (e.caseid) keys.add(e.caseid);
      for (const field of [
        "applicationId",
        "caseNumber",
        "certificateId",
        "certificateNumber",
        "subjectId",
      ]) {
        const v = (e.data as Record<string, unknown> | null)?.[field];
        if (typeof v === "string") keys.add(v);
      }
    }
    keys.delete(caseKey);
    return {
      case: caseKey,
      alsoKnownAs: [...keys].sort(),
      events: events.map((e) => shown(e, erasedStreams.has(e.stream))),
      graph: causalGraph(events),
    };
  }

  async at(caseKey: string, t: string): Promise<Record<string, StreamState> | undefined> {
    const events = await this.caseEvents(caseKey);
    if (events.length === 0) return undefined;
    const erased = new Set(
      events.filter((e) => ERASURE.test(e.type) && Date.parse(e.time) <= Date.parse(t)).map((e) => e.stream),
    );
    const recorded = stateAt(
      events.map((e) => ({ ...e, data: shown(e, erased.has(e.stream)).data })),
      t,
    );
    return withOwnerStates(recorded, events, t, PROTECTED_FIELDS);
  }

  async diff(caseKey: string, from: string, to: string): Promise<StreamChange[] | undefined> {
    const [a, b] = [await this.at(caseKey, from), await this.at(caseKey, to)];
    if (!a || !b) return undefined;
    return diffStates(a, b);
  }

  /** A signed, self-contained bundle of the case, proven against a checkpoint signed now (docs/audit.md). */
  async export(
    caseKey: string,
    ctx: CommandContext,
  ): Promise<{ bundle: AuditBundle; events: TrailEvent[] } | undefined> {
    const events = await this.caseEvents(caseKey);
    if (events.length === 0) return undefined;
    const checkpoint = await this.deps.ledger.checkpoint(ctx);
    const streams = new Map<string, RecordedEvent[]>();
    for (const e of events) {
      if (!streams.has(e.stream)) streams.set(e.stream, await this.deps.store.readStream(e.stream));
    }
    const bundleEvents = [];
    for (const e of events) {
      const stored = streams.get(e.stream)?.find((s) => s.id === e.id);
      if (!stored) throw new Error(`event ${e.id} of ${e.stream} is in the trail but no longer in the store`);
      const proof = await this.deps.ledger.inclusion(e.id, e.logIndex, checkpoint.treeSize);
      bundleEvents.push({
        logIndex: e.logIndex,
        event: stored,
        inclusion: { leafHash: proof.leafHash, path: proof.path },
      });
    }
    const chains = [...streams.keys()].map((stream) => ({
      stream,
      revisions: events.filter((e) => e.stream === stream).map((e) => e.version),
    }));
    const bundle = signBundle(
      {
        format: "gov-audit-bundle/v1",
        case: caseKey,
        exportedAt: ctx.now,
        exportedBy: { id: ctx.actor.id, role: ctx.actor.role },
        publicKey: this.deps.key.publicKeyBase64,
        checkpoint,
        events: bundleEvents,
        chains,
      },
      this.deps.key.privateKey,
    );
    return { bundle, events };
  }
}

function shown(e: TrailEvent, erased: boolean): TimelineEvent {
  const data = e.data;
  if (data === null || typeof data !== "object" || Array.isArray(data))
    return { ...e, ...(erased ? { erased: true } : {}) };
  const out: Record<string, Json> = {};
  for (const [field, value] of Object.entries(data)) {
    out[field] = PROTECTED_FIELDS.has(field) ? (erased ? "(erased)" : "(sealed)") : value;
  }
  return { ...e, data: out, ...(erased ? { erased: true } : {}) };
}
