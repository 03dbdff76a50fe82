import type pg from "pg";
import type { AppendResult } from "../event-store.ts";
import type { ChainedEvent, ChainHead } from "../hash-chain.ts";
import { formatLogPosition } from "./log-position.ts";
import { prepared } from "./prepared.ts";
import type { SqlNames } from "./sql-names.ts";

/** One stream's events, chained by the client on `head`. */
export interface ChainedWrite {
  streamId: string;
  category: string;
  head: ChainHead | undefined;
  chained: ChainedEvent[];
}

/** What became of one append (all of its stream writes) in its group. */
export type GroupOutcome =
  | { kind: "appended"; results: AppendResult[] }
  | { kind: "deleted"; write: number }
  /** A head moved (`write` names the stream, `actual` its head) or a unique violation (`write` undefined). */
  | { kind: "retry"; write: number | undefined; actual: number | undefined };

interface Pending {
  writes: ChainedWrite[];
  resolve(outcome: GroupOutcome): void;
  reject(error: unknown): void;
}

/**
 * At most this many appends share one transaction. `append_group()` gives each append a sub-transaction,
 * and PostgreSQL tracks up to 64 of a transaction's sub-transactions per backend before every other
 * session's snapshot gets slower ("suboverflowed").
 */
export const MAX_GROUP = 64;

/**
 * Group commit for a pool: appends queue here, and whenever fewer than `maxConcurrentGroups` groups are
 * being written, everything queued (up to MAX_GROUP) goes to the server as one `append_group()` call — one
 * statement, one transaction, one WAL flush. There is no timer: with one writer a group is one append (sent
 * as a plain `append_events()` call, as before); under load, whatever queued while the running groups
 * committed forms the next group, so groups grow with the load. Each append is checked and applied (or
 * refused) alone inside its group; see `append_group()` in migrations.ts.
 */
export class GroupCommitter {
  readonly #pool: pg.Pool;
  readonly #names: SqlNames;
  readonly #queue: Pending[] = [];
  readonly #maxConcurrent: number;
  #running = 0;

  constructor(pool: pg.Pool, names: SqlNames, maxConcurrentGroups = 2) {
    this.#pool = pool;
    this.#names = names;
    this.#maxConcurrent = Math.max(1, maxConcurrentGroups);
  }

  submit(writes: ChainedWrite[]): Promise<GroupOutcome> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ writes, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#running < this.#maxConcurrent && this.#queue.length > 0) {
      this.#running++;
      const group = this.#queue.splice(0, MAX_GROUP);
      const write =
        group.length === 1 && group[0]?.writes.length === 1 ? this.#writeOne(group[0]) : this.#write(group);
      void write.finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }

  /**
   * A group of one single-stream append (no load) skips the group machinery: `append_events()` in one
   * autocommit statement, no sub-transaction, as before group commit existed.
   */
  async #writeOne(op: Pending): Promise<void> {
    const w = op.writes[0] as ChainedWrite;
    try {
      const result = await this.#pool.query<{
        outcome: "appended" | "conflict" | "deleted";
        head: string;
        positions: string[] | null;
        transaction_id: string | null;
      }>(
        prepared(
          `SELECT outcome, head::text, positions::text[] AS positions, transaction_id::text
           FROM ${this.#names.appendFunction}($1, $2, $3, $4, $5::uuid[], $6::text[], $7::timestamptz[], $8::text[], $9::json)`,
          [
            w.streamId,
            w.category,
            w.head?.revision ?? -1,
            w.head?.hash ?? null,
            w.chained.map((e) => e.id),
            w.chained.map((e) => e.type),
            w.chained.map((e) => e.time),
            w.chained.map((e) => e.hash),
            `[${w.chained.map((e) => JSON.stringify(e)).join(",")}]`,
          ],
        ),
      );
      const row = result.rows[0];
      if (row?.outcome === "appended" && row.positions && row.transaction_id) {
        const tx = row.transaction_id;
        op.resolve({
          kind: "appended",
          results: [
            {
              nextExpectedRevision: Number(row.head),
              positions: row.positions.map((p) => formatLogPosition(tx, p)),
            },
          ],
        });
      } else if (row?.outcome === "deleted") {
        op.resolve({ kind: "deleted", write: 0 });
      } else {
        op.resolve({ kind: "retry", write: 0, actual: row ? Number(row.head) : undefined });
      }
    } catch (error) {
      if (isUniqueViolation(error) || isRetryable(error)) {
        op.resolve({ kind: "retry", write: undefined, actual: undefined });
      } else {
        op.reject(error);
      }
    }
  }

  async #write(group: Pending[]): Promise<void> {
    const ops = JSON.stringify(
      group.map((op) =>
        op.writes.map((w) => ({
          s: w.streamId,
          c: w.category,
          h: w.head?.revision ?? -1,
          x: w.head?.hash ?? null,
          i: w.chained.map((e) => e.id),
          t: w.chained.map((e) => e.type),
          m: w.chained.map((e) => e.time),
          k: w.chained.map((e) => e.hash),
        })),
      ),
    );
    // Each envelope exactly as JSON.stringify wrote it; `json` keeps that text, so stored hashes verify.
    const envelopes = `[${group
      .map(
        (op) =>
          `[${op.writes.map((w) => `[${w.chained.map((e) => JSON.stringify(e)).join(",")}]`).join(",")}]`,
      )
      .join(",")}]`;
    let rows: GroupRow[];
    try {
      const result = await this.#pool.query<GroupRow>(
        prepared(
          `SELECT op, w, outcome, head::text, positions::text[] AS positions, transaction_id::text
           FROM ${this.#names.appendGroupFunction}($1::json, $2::json)`,
          [ops, envelopes],
        ),
      );
      rows = result.rows;
    } catch (error) {
      // A deadlock with another process's group (new streams created in opposite orders) or a serialization
      // failure aborted the whole group: nothing of it is stored, and each append tries again.
      if (isRetryable(error)) {
        for (const op of group) op.resolve({ kind: "retry", write: undefined, actual: undefined });
      } else {
        for (const op of group) op.reject(error);
      }
      return;
    }
    const byOp = new Map<number, GroupRow[]>();
    for (const row of rows) byOp.set(row.op, [...(byOp.get(row.op) ?? []), row]);
    group.forEach((op, i) => {
      const mine = (byOp.get(i) ?? []).sort((a, b) => (a.w ?? 0) - (b.w ?? 0));
      const first = mine[0];
      if (!first) {
        op.reject(new Error("append_group() returned no outcome for an append"));
      } else if (first.outcome === "appended") {
        op.resolve({
          kind: "appended",
          results: mine.map((row) => ({
            nextExpectedRevision: Number(row.head),
            positions: (row.positions ?? []).map((p) => formatLogPosition(row.transaction_id ?? "", p)),
          })),
        });
      } else if (first.outcome === "deleted") {
        op.resolve({ kind: "deleted", write: first.w ?? 0 });
      } else {
        op.resolve({
          kind: "retry",
          write: first.w ?? undefined,
          actual: first.head === null ? undefined : Number(first.head),
        });
      }
    });
  }
}

interface GroupRow {
  op: number;
  w: number | null;
  outcome: "appended" | "conflict" | "deleted" | "retry";
  head: string | null;
  positions: string[] | null;
  transaction_id: string | null;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}

function isRetryable(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === "40P01" || code === "40001";
}
