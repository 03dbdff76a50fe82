import { checkExpectedRevision, replayedAppendManyResult, replayedAppendResult } from "../append-rules.ts";
import type { NewEvent, RecordedEvent } from "../envelope.ts";
import { streamCategory } from "../envelope.ts";
import { ConcurrencyError, StreamDeletedError } from "../errors.ts";
import type { AppendResult, ExpectedRevision, StreamWrite } from "../event-store.ts";
import { type ChainHead, chainEvents } from "../hash-chain.ts";
import { validateNewEvents } from "../validation.ts";
import type { Queryable } from "./checkpoints.ts";
import type { GroupCommitter } from "./group-commit.ts";
import type { StreamHeadCache } from "./head-cache.ts";
import { formatLogPosition } from "./log-position.ts";
import { prepared } from "./prepared.ts";
import type { SqlNames } from "./sql-names.ts";

/** How often an append retries after losing a race (only `any`/`exists` appends and id races retry). */
const MAX_ATTEMPTS = 100;

/** What an append needs besides its arguments. */
export interface AppendContext {
  db: Queryable;
  names: SqlNames;
  maxEventBytes: number;
  /** `db` is a client inside the caller's transaction: run under a savepoint, and remember no heads. */
  inTransaction: boolean;
  heads: StreamHeadCache;
}

/**
 * Appends one batch, in at most a few attempts of two steps:
 * 1. know the head: for `no-stream` it is "none", for a numeric expected revision it may be remembered
 *    (the fast path: no query); otherwise one query reads the head together with any stored events that
 *    carry the batch's ids, which answers retries idempotently, and the expected revision is checked;
 * 2. chain the events client-side on that head and call `append_events()`, which moves the head only if it
 *    is still the one chained on (version and hash), inserts the batch in one statement and NOTIFYs, in
 *    one transaction.
 * A moved head or a unique violation from a racing writer sends the next attempt down the reading path,
 * which then reports a typed error (ConcurrencyError, IdempotencyConflictError, StreamDeletedError), the
 * idempotent result, or (for `any`/`exists`) chains again on the new head.
 */
export async function appendEvents(
  context: AppendContext,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): Promise<AppendResult> {
  validateNewEvents(streamId, events, context.maxEventBytes);
  const ids = events.map((event) => event.id);
  let fast = true;
  for (let attempt = 1; ; attempt++) {
    const known = fast ? knownHead(context, streamId, expected) : undefined;
    let head: ChainHead | undefined;
    if (known) {
      head = known.head;
    } else {
      const state = await loadAppendState(context, streamId, ids);
      if (state.stored.length > 0) return replayedAppendResult(streamId, events, state.stored);
      if (state.softDeleted) throw new StreamDeletedError(streamId);
      checkExpectedRevision(streamId, expected, state.head);
      head = state.head;
    }
    const chained = chainEvents(streamId, head, events);
    const outcome = await callAppendFunction(context, streamId, head, chained);
    if (outcome.kind === "appended") {
      const last = chained.at(-1);
      if (!context.inTransaction && last) {
        context.heads.remember(streamId, { revision: last.streamversion, hash: last.hash });
      }
      return outcome.result;
    }
    if (known) {
      fast = false; // the guess was wrong or the ids exist: let the reading path tell which
      continue;
    }
    if (outcome.kind === "deleted") throw new StreamDeletedError(streamId);
    if (attempt >= MAX_ATTEMPTS) {
      throw new ConcurrencyError(streamId, String(expected), outcome.actual ?? head?.revision ?? -1);
    }
  }
}

/**
 * Appends outside a caller's transaction, through the group committer: the same two steps as
 * `appendEvents` (know the heads, chain client-side), for one or several streams, then the chained writes
 * join the next group (`append_group()`), which applies them all or none. Writes are validated by the caller.
 */
export async function appendGrouped(
  context: AppendContext,
  group: GroupCommitter,
  writes: readonly StreamWrite[],
): Promise<AppendResult[]> {
  let fast = true;
  for (let attempt = 1; ; attempt++) {
    const known = fast ? writes.map((w) => knownHead(context, w.streamId, w.expectedRevision)) : [];
    const usedKnown = fast && known.every((k) => k !== undefined);
    let heads: (ChainHead | undefined)[];
    if (usedKnown) {
      heads = known.map((k) => k?.head);
    } else {
      const states = await Promise.all(
        writes.map((w) =>
          loadAppendState(
            context,
            w.streamId,
            w.events.map((e) => e.id),
          ),
        ),
      );
      const only = writes.length === 1 ? writes[0] : undefined;
      if (only && states[0]?.stored.length) {
        return [replayedAppendResult(only.streamId, only.events, states[0].stored)];
      }
      const replayed = replayedAppendManyResult(
        writes,
        states.map((state) => state.stored),
      );
      if (replayed) return replayed;
      states.forEach((state, i) => {
        const write = writes[i] as StreamWrite;
        if (state.softDeleted) throw new StreamDeletedError(write.streamId);
        checkExpectedRevision(write.streamId, write.expectedRevision, state.head);
      });
      heads = states.map((state) => state.head);
    }
    const chainedWrites = writes.map((w, i) => ({
      streamId: w.streamId,
      category: streamCategory(w.streamId),
      head: heads[i],
      chained: chainEvents(w.streamId, heads[i], w.events),
    }));
    const outcome = await group.submit(chainedWrites);
    if (outcome.kind === "appended") {
      for (const w of chainedWrites) {
        const last = w.chained.at(-1);
        if (last) context.heads.remember(w.streamId, { revision: last.streamversion, hash: last.hash });
      }
      return outcome.results;
    }
    if (usedKnown) {
      fast = false; // the guess was wrong or the ids exist: let the reading path tell which
      continue;
    }
    if (outcome.kind === "deleted") {
      throw new StreamDeletedError((writes[outcome.write] as StreamWrite).streamId);
    }
    if (attempt >= MAX_ATTEMPTS) {
      const at = writes[outcome.write ?? 0] as StreamWrite;
      const head = heads[outcome.write ?? 0];
      throw new ConcurrencyError(
        at.streamId,
        String(at.expectedRevision),
        outcome.actual ?? head?.revision ?? -1,
      );
    }
  }
}

/** The head to chain on without a query, when the expected revision pins it down. */
function knownHead(
  context: AppendContext,
  streamId: string,
  expected: ExpectedRevision,
): { head: ChainHead | undefined } | undefined {
  if (expected === "no-stream") return { head: undefined };
  if (typeof expected !== "number") return undefined;
  const head = context.heads.at(streamId, expected);
  return head ? { head } : undefined;
}

async function loadAppendState(
  { db, names }: AppendContext,
  streamId: string,
  ids: readonly string[],
): Promise<{ head: ChainHead | undefined; softDeleted: boolean; stored: RecordedEvent[] }> {
  const result = await db.query<{
    head_version: string | null;
    head_hash: string | null;
    soft_deleted: boolean | null;
    stored: { position: string; envelope: Omit<RecordedEvent, "position"> }[];
  }>(
    prepared(
      `SELECT s.head_version, s.head_hash, s.soft_deleted,
            (SELECT coalesce(json_agg(json_build_object(
                      'position', e.transaction_id::text || ':' || e.position::text,
                      'envelope', e.envelope) ORDER BY e.position), '[]'::json)
               FROM ${names.events} e WHERE e.event_id = ANY($2::uuid[])) AS stored
       FROM (SELECT 1) AS one LEFT JOIN ${names.streams} s ON s.stream_id = $1`,
      [streamId, ids],
    ),
  );
  const row = result.rows[0];
  const revision = Number(row?.head_version ?? -1);
  const head = revision >= 0 ? { revision, hash: row?.head_hash ?? "" } : undefined;
  const stored = (row?.stored ?? []).map((s) => ({ ...s.envelope, position: s.position }));
  return { head, softDeleted: row?.soft_deleted === true, stored };
}

type AppendOutcome =
  | { kind: "appended"; result: AppendResult }
  | { kind: "deleted" }
  | { kind: "retry"; actual: number | undefined };

async function callAppendFunction(
  { db, names, inTransaction }: AppendContext,
  streamId: string,
  head: ChainHead | undefined,
  chained: ReturnType<typeof chainEvents>,
): Promise<AppendOutcome> {
  const sql = `SELECT outcome, head::text, positions::text[] AS positions, transaction_id::text
                 FROM ${names.appendFunction}($1, $2, $3, $4, $5::uuid[], $6::text[], $7::timestamptz[], $8::text[], $9::json)`;
  const params = [
    streamId,
    streamCategory(streamId),
    head?.revision ?? -1,
    head?.hash ?? null,
    chained.map((event) => event.id),
    chained.map((event) => event.type),
    chained.map((event) => event.time),
    chained.map((event) => event.hash),
    // One JSON array of the envelopes, each exactly as JSON.stringify wrote it (json keeps the text).
    `[${chained.map((event) => JSON.stringify(event)).join(",")}]`,
  ];
  if (inTransaction) await db.query("SAVEPOINT gov_event_store_append");
  try {
    const result = await db.query<{
      outcome: "appended" | "conflict" | "deleted";
      head: string;
      positions: string[] | null;
      transaction_id: string | null;
    }>(prepared(sql, params));
    if (inTransaction) await db.query("RELEASE SAVEPOINT gov_event_store_append");
    const row = result.rows[0];
    if (row?.outcome === "appended" && row.positions && row.transaction_id) {
      const tx = row.transaction_id;
      return {
        kind: "appended",
        result: {
          nextExpectedRevision: Number(row.head),
          positions: row.positions.map((position) => formatLogPosition(tx, position)),
        },
      };
    }
    if (row?.outcome === "deleted") return { kind: "deleted" };
    return { kind: "retry", actual: row ? Number(row.head) : undefined };
  } catch (error) {
    if (inTransaction) {
      await db.query("ROLLBACK TO SAVEPOINT gov_event_store_append").catch(() => undefined);
    }
    if (isUniqueViolation(error)) return { kind: "retry", actual: undefined };
    throw error;
  }
}

/** A racing writer stored the same event id, stream version or new stream first. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}
