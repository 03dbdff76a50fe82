import type { NewEvent, RecordedEvent } from "../envelope.ts";
import { streamCategory } from "../envelope.ts";
import { ConcurrencyError, StreamDeletedError } from "../errors.ts";
import type { AppendResult, ExpectedRevision } from "../event-store.ts";
import { type ChainHead, chainEvents } from "../hash-chain.ts";
import { validateNewEvents } from "../validation.ts";
import { checkExpectedRevision, replayedAppendResult } from "./append-rules.ts";
import type { Queryable } from "./checkpoints.ts";
import { formatLogPosition } from "./log-position.ts";
import type { SqlNames } from "./sql-names.ts";

/** How often an append retries after losing a race (only `any`/`exists` appends and id races retry). */
const MAX_ATTEMPTS = 100;

/**
 * Appends one batch. Each attempt reads the stream head and any already-stored events with the batch's ids
 * (one query, no lock), answers retries idempotently, checks the expected revision, chains the events
 * client-side on top of that head, then calls `append_events()`, which locks the head row, checks that it
 * has not moved, inserts the batch in one statement, moves the head and NOTIFYs, in one transaction. A head
 * that moved in between, or a unique violation from a racing writer, starts a new attempt, which then
 * reports a typed error (ConcurrencyError, IdempotencyConflictError) or the idempotent result.
 *
 * `inTransaction`: `db` is a client inside the caller's transaction; the call runs under a savepoint so
 * that a lost race does not abort the caller's transaction.
 */
export async function appendEvents(
  db: Queryable,
  names: SqlNames,
  maxEventBytes: number,
  inTransaction: boolean,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): Promise<AppendResult> {
  validateNewEvents(streamId, events, maxEventBytes);
  const ids = events.map((event) => event.id);
  for (let attempt = 1; ; attempt++) {
    const { head, softDeleted, stored } = await loadAppendState(db, names, streamId, ids);
    if (stored.length > 0) return replayedAppendResult(streamId, events, stored);
    if (softDeleted) throw new StreamDeletedError(streamId);
    checkExpectedRevision(streamId, expected, head);
    const chained = chainEvents(streamId, head, events);
    const outcome = await callAppendFunction(
      db,
      names,
      inTransaction,
      streamId,
      head?.revision ?? -1,
      chained,
    );
    if (outcome.kind === "appended") return outcome.result;
    if (outcome.kind === "deleted") throw new StreamDeletedError(streamId);
    if (attempt >= MAX_ATTEMPTS) {
      throw new ConcurrencyError(streamId, String(expected), outcome.actual ?? head?.revision ?? -1);
    }
  }
}

async function loadAppendState(
  db: Queryable,
  names: SqlNames,
  streamId: string,
  ids: readonly string[],
): Promise<{ head: ChainHead | undefined; softDeleted: boolean; stored: RecordedEvent[] }> {
  const result = await db.query<{
    head_version: string | null;
    head_hash: string | null;
    soft_deleted: boolean | null;
    stored: { position: string; envelope: Omit<RecordedEvent, "position"> }[];
  }>(
    `SELECT s.head_version, s.head_hash, s.soft_deleted,
            (SELECT coalesce(json_agg(json_build_object(
                      'position', e.transaction_id::text || ':' || e.position::text,
                      'envelope', e.envelope) ORDER BY e.position), '[]'::json)
               FROM ${names.events} e WHERE e.event_id = ANY($2::uuid[])) AS stored
       FROM (SELECT 1) AS one LEFT JOIN ${names.streams} s ON s.stream_id = $1`,
    [streamId, ids],
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
  db: Queryable,
  names: SqlNames,
  inTransaction: boolean,
  streamId: string,
  expectedHead: number,
  chained: ReturnType<typeof chainEvents>,
): Promise<AppendOutcome> {
  const sql = `SELECT outcome, head::text, positions::text[] AS positions, transaction_id::text
                 FROM ${names.appendFunction}($1, $2, $3, $4::uuid[], $5::text[], $6::timestamptz[], $7::json[], $8::text[])`;
  const params = [
    streamId,
    streamCategory(streamId),
    expectedHead,
    chained.map((event) => event.id),
    chained.map((event) => event.type),
    chained.map((event) => event.time),
    chained.map((event) => JSON.stringify(event)),
    chained.map((event) => event.hash),
  ];
  if (inTransaction) await db.query("SAVEPOINT gov_event_store_append");
  try {
    const result = await db.query<{
      outcome: "appended" | "conflict" | "deleted";
      head: string;
      positions: string[] | null;
      transaction_id: string | null;
    }>(sql, params);
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
