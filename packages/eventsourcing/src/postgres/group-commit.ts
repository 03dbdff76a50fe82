import type pg from "pg";
import type { AppendResult } from "../event-store.ts";
import type { ChainedEvent, ChainHead } from "../hash-chain.ts";
import { formatLogPosition } from "./log-position.ts";
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
 * Group commit for a pool: appends queue here, and whenever no group is being written, everything queued
 * goes to the server as one `append_group()` call — one statement, one transaction, one WAL flush. There is
 * no timer: with one writer a group is one append (the same round trip as before); under load, whatever
 * queued while the previous group committed forms the next group, so the group grows with the load and
 * the commit rate stays at what one connection's commits can do. Each append is checked and applied (or
 * refused) alone inside the group; see `append_group()` in migrations.ts.
 */
export class GroupCommitter {
  readonly #pool: pg.Pool;
  readonly #names: SqlNames;
  readonly #queue: Pending[] = [];
  #running = false;

  constructor(pool: pg.Pool, names: SqlNames) {
    this.#pool = pool;
    this.#names = names;
  }

  submit(writes: ChainedWrite[]): Promise<GroupOutcome> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ writes, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#running || this.#queue.length === 0) return;
    this.#running = true;
    const group = this.#queue.splice(0, MAX_GROUP);
    void this.#write(group).finally(() => {
      this.#running = false;
      this.#pump();
    });
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
        `SELECT op, w, outcome, head::text, positions::text[] AS positions, transaction_id::text
           FROM ${this.#names.appendGroupFunction}($1::json, $2::json)`,
        [ops, envelopes],
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

function isRetryable(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === "40P01" || code === "40001";
}
