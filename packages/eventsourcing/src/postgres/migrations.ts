import type pg from "pg";
import type { SqlNames } from "./sql-names.ts";

/** One numbered schema step. Steps are applied in order, each once, and never edited after release. */
export interface Migration {
  version: number;
  name: string;
  sql(names: SqlNames): string;
}

/**
 * Version 1: the log, the stream heads, the checkpoints and the append function.
 *
 * - `events.envelope` is `json`, not `jsonb`: `json` keeps the exact text the adapter wrote, so every string
 *   and number reads back as written (jsonb rejects `\u0000` and lone surrogates, which JSON.stringify
 *   emits). The hash is over canonical JSON, so key order would not matter, but values must round-trip.
 * - `events.transaction_id` is the writing transaction's id; readers order the log by (transaction_id,
 *   position) and read only below the oldest running transaction (see readAll in postgres-event-store.ts).
 * - No foreign key from events to streams: only `append_events` writes either table, in one transaction,
 *   and a foreign key would cost a lookup and a row lock per inserted event.
 */
const createLog: Migration = {
  version: 1,
  name: "events, streams, checkpoints, append_events()",
  sql: (n) => `
CREATE TABLE ${n.streams} (
  stream_id     text PRIMARY KEY,
  category      text NOT NULL,
  head_version  bigint NOT NULL DEFAULT -1,
  head_hash     text,
  soft_deleted  boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ${n.events} (
  position        bigserial PRIMARY KEY,
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text NOT NULL,
  stream_version  bigint NOT NULL,
  event_id        uuid NOT NULL,
  type            text NOT NULL,
  category        text NOT NULL,
  time            timestamptz NOT NULL,
  envelope        json NOT NULL,
  hash            text NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_event_id_key UNIQUE (event_id),
  CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_log_order ON ${n.events} (transaction_id, position);

CREATE TABLE ${n.checkpoints} (
  subscriber_id  text PRIMARY KEY,
  position       text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Appends one batch in the caller's transaction. The client has already chained the events (versions
-- and hashes) on top of p_expected_head (-1 for a new stream); the head is locked and compared here.
-- Outcomes: 'appended' (with positions), 'conflict' (actual head), 'deleted'.
CREATE FUNCTION ${n.appendFunction}(
  p_stream_id text,
  p_category text,
  p_expected_head bigint,
  p_event_ids uuid[],
  p_types text[],
  p_times timestamptz[],
  p_envelopes json[],
  p_hashes text[]
) RETURNS TABLE (outcome text, head bigint, positions bigint[], transaction_id xid8)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_head bigint;
  v_deleted boolean;
  v_count integer := cardinality(p_event_ids);
  v_positions bigint[];
BEGIN
  IF p_expected_head = -1 THEN
    INSERT INTO ${n.streams} (stream_id, category) VALUES (p_stream_id, p_category)
    ON CONFLICT (stream_id) DO NOTHING;
  END IF;
  SELECT s.head_version, s.soft_deleted INTO v_head, v_deleted
    FROM ${n.streams} s WHERE s.stream_id = p_stream_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'conflict'::text, (-1)::bigint, NULL::bigint[], NULL::xid8;
    RETURN;
  END IF;
  IF v_deleted THEN
    RETURN QUERY SELECT 'deleted'::text, v_head, NULL::bigint[], NULL::xid8;
    RETURN;
  END IF;
  IF v_head <> p_expected_head THEN
    RETURN QUERY SELECT 'conflict'::text, v_head, NULL::bigint[], NULL::xid8;
    RETURN;
  END IF;

  WITH inserted AS (
    INSERT INTO ${n.events} (stream_id, stream_version, event_id, type, category, time, envelope, hash)
    SELECT p_stream_id, p_expected_head + e.ord, e.id, e.type, p_category, e.time, e.envelope, e.hash
      FROM unnest(p_event_ids, p_types, p_times, p_envelopes, p_hashes)
           WITH ORDINALITY AS e(id, type, time, envelope, hash, ord)
     ORDER BY e.ord
    RETURNING events.position, events.stream_version
  )
  SELECT array_agg(i.position ORDER BY i.stream_version) INTO v_positions FROM inserted i;

  UPDATE ${n.streams}
     SET head_version = p_expected_head + v_count, head_hash = p_hashes[v_count], updated_at = now()
   WHERE stream_id = p_stream_id;

  PERFORM pg_notify('${n.channel}', '');
  RETURN QUERY SELECT 'appended'::text, p_expected_head + v_count, v_positions, pg_current_xact_id();
END
$fn$;
`,
};

/**
 * Version 2: `append_events()` moves the head in one statement (insert-if-absent for a new stream, a guarded
 * UPDATE otherwise) instead of lock-then-update, compares the head's hash as well as its version (so a
 * client can chain on a head it remembers), and takes the envelopes as one JSON array text (no array-literal
 * escaping of every envelope).
 */
const appendInOneStatement: Migration = {
  version: 2,
  name: "append_events(): guarded head update, head hash check, envelopes as one JSON array",
  sql: (n) => `
DROP FUNCTION ${n.appendFunction}(text, text, bigint, uuid[], text[], timestamptz[], json[], text[]);

-- Appends one batch chained by the client on top of (p_expected_head, p_expected_hash); -1 and NULL for a
-- new stream. Outcomes: 'appended' (with positions), 'conflict' (actual head), 'deleted'.
CREATE FUNCTION ${n.appendFunction}(
  p_stream_id text,
  p_category text,
  p_expected_head bigint,
  p_expected_hash text,
  p_event_ids uuid[],
  p_types text[],
  p_times timestamptz[],
  p_hashes text[],
  p_envelopes json
) RETURNS TABLE (outcome text, head bigint, positions bigint[], transaction_id xid8)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_count integer := cardinality(p_event_ids);
  v_new_head bigint := p_expected_head + cardinality(p_event_ids);
  v_rows integer;
  v_head bigint;
  v_deleted boolean;
  v_positions bigint[];
BEGIN
  -- Moving the head takes its row lock until commit: concurrent appends to one stream serialise here, and
  -- the loser re-checks the condition against the winner's row and finds it false.
  IF p_expected_head = -1 THEN
    INSERT INTO ${n.streams} (stream_id, category, head_version, head_hash)
    VALUES (p_stream_id, p_category, v_new_head, p_hashes[v_count])
    ON CONFLICT (stream_id) DO NOTHING;
  ELSE
    UPDATE ${n.streams}
       SET head_version = v_new_head, head_hash = p_hashes[v_count], updated_at = now()
     WHERE stream_id = p_stream_id AND head_version = p_expected_head
       AND head_hash = p_expected_hash AND NOT soft_deleted;
  END IF;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  IF v_rows = 0 THEN
    SELECT s.head_version, s.soft_deleted INTO v_head, v_deleted
      FROM ${n.streams} s WHERE s.stream_id = p_stream_id;
    RETURN QUERY SELECT CASE WHEN v_deleted THEN 'deleted' ELSE 'conflict' END,
                        coalesce(v_head, -1), NULL::bigint[], NULL::xid8;
    RETURN;
  END IF;

  WITH inserted AS (
    INSERT INTO ${n.events} (stream_id, stream_version, event_id, type, category, time, envelope, hash)
    SELECT p_stream_id, p_expected_head + e.ord, i.id, i.type, p_category, i.time, e.envelope, i.hash
      FROM json_array_elements(p_envelopes) WITH ORDINALITY AS e(envelope, ord)
      JOIN unnest(p_event_ids, p_types, p_times, p_hashes) WITH ORDINALITY AS i(id, type, time, hash, ord)
        ON i.ord = e.ord
     ORDER BY e.ord
    RETURNING events.position, events.stream_version
  )
  SELECT array_agg(ins.position ORDER BY ins.stream_version) INTO v_positions FROM inserted ins;

  PERFORM pg_notify('${n.channel}', '');
  RETURN QUERY SELECT 'appended'::text, v_new_head, v_positions, pg_current_xact_id();
END
$fn$;
`,
};

/**
 * Version 3: `append_group()`, the group commit and multi-stream append. It takes a JSON array of appends,
 * each a list of stream writes already chained by the client (stream, category, the head chained on, ids,
 * types, times, hashes; the envelopes in a second parameter), and applies them in order in the caller's
 * transaction (one statement, so one transaction and one commit for the whole group). Each append runs in its
 * own sub-transaction (a BEGIN … EXCEPTION block): a moved head, a deleted stream or a unique violation
 * undoes that append's writes — all of its streams — and is reported for it alone; the others stay.
 * First it locks the existing heads the group touches in stream-id order, so two groups that write the same
 * streams wait for each other instead of deadlocking.
 * Rows out: one per written stream of an applied append (`appended`, head, positions), or one per refused
 * append (`conflict` with the actual head, `deleted`, or `retry` after a unique violation), `w` naming the
 * stream write at fault (0-based; NULL for a unique violation).
 */
const appendGroup: Migration = {
  version: 3,
  name: "append_group(): group commit and all-or-nothing multi-stream appends",
  sql: (n) => `
-- p_ops: [[{ "s": stream, "c": category, "h": head chained on (-1: new), "x": head hash,
--           "i": [ids], "t": [types], "m": [times], "k": [hashes] }, …one per stream], …one per append]
-- p_envelopes: the same nesting with the envelopes' JSON arrays, walked only with json_array_elements,
-- which keeps each envelope's text (field access would de-escape strings and refuse NUL characters).
CREATE FUNCTION ${n.appendGroupFunction}(p_ops json, p_envelopes json)
RETURNS TABLE (op integer, w integer, outcome text, head bigint, positions bigint[], transaction_id xid8)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_op json;
  v_op_envelopes json;
  v_op_index integer;
  v_write json;
  v_envelopes json;
  v_w integer;
  v_stream text;
  v_category text;
  v_expected bigint;
  v_hashes text[];
  v_count integer;
  v_new_head bigint;
  v_rows integer;
  v_head bigint;
  v_deleted boolean;
  v_positions bigint[];
  v_heads bigint[];
  v_all_positions text[];
  v_fail_outcome text;
  v_fail_w integer;
  v_fail_head bigint;
  v_any boolean := false;
  v_xid xid8 := pg_current_xact_id();
BEGIN
  PERFORM 1 FROM ${n.streams} s
   WHERE s.stream_id IN (SELECT wr->>'s' FROM json_array_elements(p_ops) o, json_array_elements(o) wr)
   ORDER BY s.stream_id FOR UPDATE;

  FOR v_op, v_op_envelopes, v_op_index IN
    SELECT o.value, e.value, (o.ordinality - 1)::integer
      FROM json_array_elements(p_ops) WITH ORDINALITY o
      JOIN json_array_elements(p_envelopes) WITH ORDINALITY e ON e.ordinality = o.ordinality
     ORDER BY o.ordinality
  LOOP
    v_heads := '{}';
    v_all_positions := '{}';
    v_fail_outcome := NULL;
    BEGIN
      FOR v_write, v_envelopes, v_w IN
        SELECT o.value, e.value, (o.ordinality - 1)::integer
          FROM json_array_elements(v_op) WITH ORDINALITY o
          JOIN json_array_elements(v_op_envelopes) WITH ORDINALITY e ON e.ordinality = o.ordinality
         ORDER BY o.ordinality
      LOOP
        v_stream := v_write->>'s';
        v_category := v_write->>'c';
        v_expected := (v_write->>'h')::bigint;
        v_hashes := ARRAY(SELECT json_array_elements_text(v_write->'k'));
        v_count := cardinality(v_hashes);
        v_new_head := v_expected + v_count;
        IF v_expected = -1 THEN
          INSERT INTO ${n.streams} (stream_id, category, head_version, head_hash)
          VALUES (v_stream, v_category, v_new_head, v_hashes[v_count])
          ON CONFLICT (stream_id) DO NOTHING;
        ELSE
          UPDATE ${n.streams}
             SET head_version = v_new_head, head_hash = v_hashes[v_count], updated_at = now()
           WHERE stream_id = v_stream AND head_version = v_expected
             AND head_hash = v_write->>'x' AND NOT soft_deleted;
        END IF;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        IF v_rows = 0 THEN
          SELECT s.head_version, s.soft_deleted INTO v_head, v_deleted
            FROM ${n.streams} s WHERE s.stream_id = v_stream;
          v_fail_outcome := CASE WHEN v_deleted THEN 'deleted' ELSE 'conflict' END;
          v_fail_w := v_w;
          v_fail_head := coalesce(v_head, -1);
          RAISE EXCEPTION 'gov_append_refused';
        END IF;
        WITH inserted AS (
          INSERT INTO ${n.events} (stream_id, stream_version, event_id, type, category, time, envelope, hash)
          SELECT v_stream, v_expected + e.ord, i.id, i.type, v_category, i.time, e.envelope, i.hash
            FROM json_array_elements(v_envelopes) WITH ORDINALITY AS e(envelope, ord)
            JOIN unnest(
                   ARRAY(SELECT json_array_elements_text(v_write->'i'))::uuid[],
                   ARRAY(SELECT json_array_elements_text(v_write->'t')),
                   ARRAY(SELECT json_array_elements_text(v_write->'m'))::timestamptz[],
                   v_hashes
                 ) WITH ORDINALITY AS i(id, type, time, hash, ord)
              ON i.ord = e.ord
           ORDER BY e.ord
          RETURNING events.position, events.stream_version
        )
        SELECT array_agg(ins.position ORDER BY ins.stream_version) INTO v_positions FROM inserted ins;
        v_heads := v_heads || v_new_head;
        v_all_positions := v_all_positions || array_to_string(v_positions, ',');
      END LOOP;
    EXCEPTION
      WHEN unique_violation THEN
        v_fail_outcome := 'retry';
        v_fail_w := NULL;
        v_fail_head := NULL;
      WHEN raise_exception THEN
        IF SQLERRM <> 'gov_append_refused' THEN RAISE; END IF;
    END;
    IF v_fail_outcome IS NULL THEN
      v_any := true;
      FOR i IN 1 .. cardinality(v_heads) LOOP
        RETURN QUERY SELECT v_op_index, i - 1, 'appended'::text, v_heads[i],
                            string_to_array(v_all_positions[i], ',')::bigint[], v_xid;
      END LOOP;
    ELSE
      RETURN QUERY SELECT v_op_index, v_fail_w, v_fail_outcome, v_fail_head, NULL::bigint[], NULL::xid8;
    END IF;
  END LOOP;
  IF v_any THEN PERFORM pg_notify('${n.channel}', ''); END IF;
END
$fn$;
`,
};

/** Replaces `from` in `sql` exactly once, or throws: a changed template must not slip past this migration. */
function replaceOnce(sql: string, from: string, to: string): string {
  const at = sql.indexOf(from);
  if (at < 0 || sql.indexOf(from, at + 1) >= 0) throw new Error(`migration 4: expected "${from}" once`);
  return sql.slice(0, at) + to + sql.slice(at + from.length);
}

/**
 * Version 4: both append functions NOTIFY with the category written as the payload (one notification per
 * category a transaction wrote: PostgreSQL folds repeats, and drops those of an append rolled back to its
 * sub-transaction), instead of an empty payload. A subscriber that reads some categories then waits only for
 * them (`AppendListener`). The functions are versions 2 and 3 otherwise unchanged, replaced in place.
 */
const notifyCategories: Migration = {
  version: 4,
  name: "append_events() and append_group() notify the categories they wrote",
  sql: (n) => {
    const quiet = `PERFORM pg_notify('${n.channel}', '');`;
    const single = replaceOnce(
      replaceOnce(
        appendInOneStatement.sql(n).replace(/^\s*DROP FUNCTION [^\n]*\n/m, ""),
        "CREATE FUNCTION",
        "CREATE OR REPLACE FUNCTION",
      ),
      quiet,
      `PERFORM pg_notify('${n.channel}', p_category);`,
    );
    const group = replaceOnce(
      replaceOnce(
        replaceOnce(appendGroup.sql(n), "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"),
        "v_all_positions := v_all_positions || array_to_string(v_positions, ',');",
        `v_all_positions := v_all_positions || array_to_string(v_positions, ',');
        PERFORM pg_notify('${n.channel}', v_category);`,
      ),
      `IF v_any THEN ${quiet} END IF;`,
      "",
    );
    return `${single}\n${group}`;
  },
};

export const migrations: readonly Migration[] = [
  createLog,
  appendInOneStatement,
  appendGroup,
  notifyCategories,
];

export const LATEST_VERSION = Math.max(...migrations.map((m) => m.version));

/**
 * Creates the schema and applies the missing steps, all in one transaction under an advisory lock keyed
 * by the schema name, so that several processes starting at once apply each step exactly once (the others
 * wait on the lock, then find nothing left to do). Returns the versions it applied.
 */
export async function migrate(pool: pg.Pool, names: SqlNames): Promise<number[]> {
  const client = await pool.connect();
  let failed: unknown;
  try {
    if ((await currentVersion(client, names)) >= LATEST_VERSION) return [];
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
      `gov-event-store:${names.schema}`,
    ]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${names.qschema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${names.migrations} (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = await client.query<{ version: number }>(`SELECT version FROM ${names.migrations}`);
    const applied = new Set(done.rows.map((row) => row.version));
    const newlyApplied: number[] = [];
    for (const step of migrations) {
      if (applied.has(step.version)) continue;
      await client.query(step.sql(names));
      await client.query(`INSERT INTO ${names.migrations} (version, name) VALUES ($1, $2)`, [
        step.version,
        step.name,
      ]);
      newlyApplied.push(step.version);
    }
    await client.query("COMMIT");
    return newlyApplied;
  } catch (error) {
    failed = error;
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release(failed instanceof Error ? failed : undefined);
  }
}

/** The schema's version without taking the lock: 0 when the schema or its migrations table is missing. */
async function currentVersion(client: pg.PoolClient, names: SqlNames): Promise<number> {
  const exists = await client.query<{ table: string | null }>("SELECT to_regclass($1) AS table", [
    names.migrations,
  ]);
  if (!exists.rows[0]?.table) return 0;
  const result = await client.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${names.migrations}`,
  );
  return result.rows[0]?.version ?? 0;
}
