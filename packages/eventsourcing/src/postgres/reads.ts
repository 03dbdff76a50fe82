import { setTimeout as sleep } from "node:timers/promises";
import type { RecordedEvent } from "../envelope.ts";
import { InvalidEventError, StreamDeletedError } from "../errors.ts";
import type { ReadAllOptions, ReadAllResult, ReadStreamOptions, StreamMetadata } from "../event-store.ts";
import { noteHeldBack } from "./append-listener.ts";
import type { Queryable } from "./checkpoints.ts";
import { formatLogPosition, parseLogPosition } from "./log-position.ts";
import { prepared } from "./prepared.ts";
import type { SqlNames } from "./sql-names.ts";

interface EventRow {
  tx: string;
  pos: string;
  envelope: Omit<RecordedEvent, "position">;
}

function toRecorded(row: EventRow): RecordedEvent {
  return { ...row.envelope, position: formatLogPosition(row.tx, row.pos) };
}

export async function readStream(
  db: Queryable,
  names: SqlNames,
  streamId: string,
  options: ReadStreamOptions = {},
): Promise<RecordedEvent[]> {
  if (options.untilTime !== undefined && Number.isNaN(Date.parse(options.untilTime))) {
    throw new InvalidEventError("untilTime", `"${options.untilTime}" is not an ISO-8601 instant`);
  }
  const result = await db.query<{ soft_deleted: boolean } & Partial<EventRow>>(
    prepared(
      `SELECT s.soft_deleted, e.transaction_id::text AS tx, e.position::text AS pos, e.envelope
       FROM ${names.streams} s
       LEFT JOIN ${names.events} e
         ON e.stream_id = s.stream_id
        AND e.stream_version >= $2
        AND ($3::bigint IS NULL OR e.stream_version <= $3)
        AND ($4::timestamptz IS NULL OR e.time <= $4)
      WHERE s.stream_id = $1
      ORDER BY e.stream_version`,
      [streamId, options.fromRevision ?? 0, options.toRevision ?? null, options.untilTime ?? null],
    ),
  );
  if (result.rows[0]?.soft_deleted) throw new StreamDeletedError(streamId);
  return result.rows
    .filter((row): row is EventRow & { soft_deleted: boolean } => row.envelope != null)
    .map(toRecorded);
}

export async function streamMetadata(
  db: Queryable,
  names: SqlNames,
  streamId: string,
): Promise<StreamMetadata | undefined> {
  const result = await db.query<{ category: string; soft_deleted: boolean; head_version: string }>(
    prepared(`SELECT category, soft_deleted, head_version::text FROM ${names.streams} WHERE stream_id = $1`, [
      streamId,
    ]),
  );
  const row = result.rows[0];
  if (!row) return undefined;
  return { category: row.category, softDeleted: row.soft_deleted, lastRevision: Number(row.head_version) };
}

const DEFAULT_LIMIT = 1000;
const MAX_HORIZON_PAUSE_MS = 5;
/** Rows of the log a filtered read examines at most for one page (see readPage). */
const FILTER_SCAN_LIMIT = 5000;

/**
 * Reads the global log in (transaction id, position) order, gap-free.
 *
 * A position comes from a sequence when a transaction inserts, but the row becomes visible only when that
 * transaction commits, so a reader following positions alone could pass a slow transaction's lower
 * positions before they are visible and never come back for them. Every row is stamped with its writing
 * transaction's id; the reader first takes the horizon `pg_snapshot_xmin(pg_current_snapshot())` — every
 * transaction below it has finished, every transaction still running or yet to start is at or above it —
 * and returns only rows below it. Rows below the horizon never change again, and any row that becomes
 * visible later carries a transaction id at or above the horizon, so it sorts after everything returned:
 * a checkpoint of the (transaction id, position) pair can never be overtaken.
 *
 * The price: the horizon is cluster-wide, so one long-open writing transaction anywhere on the server (any
 * database, any table) holds every reader back until it ends. When committed events are held back like this,
 * readAll waits up to `horizonWaitMs` for the horizon to pass them, then returns what is safe (and tells the
 * append listener, so that the subscriber looks again soon rather than at the next append).
 */
export async function readAll(
  db: Queryable,
  names: SqlNames,
  options: ReadAllOptions,
  horizonWaitMs: number,
): Promise<ReadAllResult> {
  const deadline = Date.now() + horizonWaitMs;
  // Short pauses: a horizon that passes is seen within ~5 ms (each look is three short queries).
  for (let pause = 1; ; pause = Math.min(pause * 2, MAX_HORIZON_PAUSE_MS)) {
    const page = await readPage(db, names, options);
    if (!page.heldBack || page.full) return page.result;
    if (Date.now() + pause > deadline) {
      // Their NOTIFY came already: the subscriber's next wait must not sleep until the next append.
      noteHeldBack(names.channel);
      return page.result;
    }
    await sleep(pause);
  }
}

async function readPage(
  db: Queryable,
  names: SqlNames,
  options: ReadAllOptions,
): Promise<{ result: ReadAllResult; heldBack: boolean; full: boolean }> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const after =
    options.after === undefined ? { transactionId: 0n, position: 0n } : parseLogPosition(options.after);
  const categories = options.filter?.categories ? [...options.filter.categories] : null;
  const types = options.filter?.types ? [...options.filter.types] : null;
  const afterParams = [after.transactionId.toString(), after.position.toString()];

  // The log is scanned in its index order, `limit` rows at a time, and a filter is applied to each window's rows
  // (rows that do not match come back without their envelope). Asked directly for "the first `limit` matching
  // rows in order", the planner misjudges a category's share of the log and sorts the whole rest of it per page.
  //
  // The first window is one statement (one round trip, what a subscriber at the end of the log pays per read):
  // the horizon is the statement's own snapshot's xmin (`pg_current_snapshot()` is the statement's snapshot), so
  // every row below it is visible to the same statement if committed and never changes again; the end of the safe
  // log and whether committed rows wait above the horizon come from that snapshot too. Later windows reuse that
  // horizon: taken by an earlier statement, it stays safe for later snapshots (it only ever moves forward).
  const first = await db.query<FirstWindowRow>(
    prepared(
      // The end of the safe log and the held-back check are computed ONCE, in a materialised CTE: in the select
      // list they were correlated sub-plans run for every row of the window (500 a full page), and the EXISTS,
      // planned without knowing the horizon, scanned the whole table each time (26 s a page at 43 000 events).
      // Asked as "the first row at or above the horizon, in index order", it is an index probe.
      `WITH h AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon),
          w AS (SELECT e.transaction_id, e.position,
                       CASE WHEN ($4::text[] IS NULL OR e.category = ANY($4::text[]))
                             AND ($5::text[] IS NULL OR e.type = ANY($5::text[])) THEN e.envelope END AS envelope
                  FROM ${names.events} e, h
                 WHERE e.transaction_id < h.horizon
                   AND (e.transaction_id, e.position) > ($1::xid8, $2::bigint)
                 ORDER BY e.transaction_id, e.position
                 LIMIT $3),
          f AS MATERIALIZED (SELECT h.horizon,
            (SELECT t.transaction_id::text || ':' || t.position::text
               FROM ${names.events} t
              WHERE t.transaction_id < h.horizon AND (t.transaction_id, t.position) > ($1::xid8, $2::bigint)
              ORDER BY t.transaction_id DESC, t.position DESC LIMIT 1) AS frontier,
            (SELECT x.transaction_id FROM ${names.events} x
              WHERE x.transaction_id >= h.horizon
                AND ($4::text[] IS NULL OR x.category = ANY($4::text[]))
                AND ($5::text[] IS NULL OR x.type = ANY($5::text[]))
              ORDER BY x.transaction_id LIMIT 1) IS NOT NULL AS held_back
            FROM h)
     SELECT f.horizon::text AS horizon, f.frontier, f.held_back,
            w.transaction_id::text AS tx, w.position::text AS pos, w.envelope
       FROM f LEFT JOIN w ON true
      ORDER BY w.transaction_id, w.position`,
      [...afterParams, limit, categories, types],
    ),
  );
  const head = first.rows[0];
  const horizon = head?.horizon ?? "0";
  let rows: WindowRow[] = first.rows.filter((row): row is FirstWindowRow & WindowRow => row.tx !== null);
  let firstWindow = true;
  // Later windows double while the filter keeps them from filling the page (up to FILTER_SCAN_LIMIT): a
  // subscriber reading 100 at a time through a log where its categories are rare (a copy of the catalog
  // among a million applications) examines 5 000 rows in 6 round trips instead of 50. Rows that do not match
  // come back without their envelope, so a larger window costs little; at most one window's matches past the
  // page are read and dropped.
  let window = limit;

  const events: RecordedEvent[] = [];
  let examined = 0;
  for (;;) {
    for (const row of rows) {
      if (row.envelope === null) continue;
      events.push(toRecorded(row as EventRow));
      if (events.length >= limit) break;
    }
    const last = events.at(-1)?.position;
    if (events.length >= limit) {
      return {
        result: { events, nextPosition: last ?? options.after, endOfLog: false },
        heldBack: false,
        full: true,
      };
    }
    const lastRow = rows.at(-1);
    if (rows.length < window || !lastRow) break; // the end of the safe log
    examined += rows.length;
    if (examined >= FILTER_SCAN_LIMIT) {
      // Many rows of other categories: return what matched so far and continue from the last row examined.
      const nextPosition = formatLogPosition(lastRow.tx, lastRow.pos);
      return { result: { events, nextPosition, endOfLog: false }, heldBack: false, full: true };
    }
    firstWindow = false;
    window = Math.min(FILTER_SCAN_LIMIT, window * 2);
    rows = (
      await db.query<WindowRow>(
        prepared(
          `SELECT e.transaction_id::text AS tx, e.position::text AS pos,
                CASE WHEN ($5::text[] IS NULL OR e.category = ANY($5::text[]))
                      AND ($6::text[] IS NULL OR e.type = ANY($6::text[])) THEN e.envelope END AS envelope
           FROM ${names.events} e
          WHERE e.transaction_id < $1::xid8
            AND (e.transaction_id, e.position) > ($2::xid8, $3::bigint)
          ORDER BY e.transaction_id, e.position
          LIMIT $4`,
          [horizon, lastRow.tx, lastRow.pos, window, categories, types],
        ),
      )
    ).rows;
  }
  const last = events.at(-1)?.position;

  // End of the safe log: continue from the last row examined (past rows a filter skipped), and note whether
  // committed rows wait above the horizon. The first window's statement answered both already.
  const tail = firstWindow
    ? { frontier: head?.frontier ?? null, held_back: head?.held_back === true }
    : (
        await db.query<{ frontier: string | null; held_back: boolean }>(
          prepared(
            `SELECT (SELECT t.transaction_id::text || ':' || t.position::text
                     FROM ${names.events} t
                    WHERE t.transaction_id < $1::xid8 AND (t.transaction_id, t.position) > ($2::xid8, $3::bigint)
                    ORDER BY t.transaction_id DESC, t.position DESC LIMIT 1) AS frontier,
                  (SELECT h.transaction_id FROM ${names.events} h
                    WHERE h.transaction_id >= $1::xid8
                      AND ($4::text[] IS NULL OR h.category = ANY($4::text[]))
                      AND ($5::text[] IS NULL OR h.type = ANY($5::text[]))
                    ORDER BY h.transaction_id LIMIT 1) IS NOT NULL AS held_back`,
            [horizon, ...afterParams, categories, types],
          ),
        )
      ).rows[0];
  const frontier = tail?.frontier ?? last ?? options.after;
  return {
    result: { events, nextPosition: frontier, endOfLog: true },
    heldBack: tail?.held_back === true,
    full: false,
  };
}

type WindowRow = Omit<EventRow, "envelope"> & { envelope: EventRow["envelope"] | null };
interface FirstWindowRow {
  horizon: string;
  frontier: string | null;
  held_back: boolean;
  tx: string | null;
  pos: string | null;
  envelope: EventRow["envelope"] | null;
}
