import { type CreditList, creditEventTypes } from "@gov/contracts";
import type { RecordedEvent } from "@gov/eventsourcing";
import type { Projection, ProjectionContext, ProjectionHandle } from "@gov/eventsourcing/projections";
import { subjectTypes } from "../application/subjects.ts";
import { type MeasuresList, measuresV1 } from "../domain/measures.ts";
import {
  applyRegistryEvent,
  type Due,
  dueOf,
  type HistoryItem,
  type ListItem,
  type RegistryEntry,
  type SubjectView,
  subjectOf,
} from "./registry.ts";

/**
 * Credit's registry in SQL (docs/projections.md): it grows with every subject and every entry, so it lives in the
 * projection database instead of memory and is not rebuilt on start. Tables shaped for the routes:
 *
 * - `subjects`: one row per subject, its entry (view, decider state, entries' sources) as JSON — the subject view;
 * - `history`: one row per event of a subject, numbered per subject — the history route;
 * - `listings`: one row per entry, with `seq` = first-seen order, `list`, `stage`, and the scheduler's `due_action`
 *   from `due_from` — the public lists in force (paged by `seq`) and the scheduler's due list.
 *
 * Version 1. A change to the tables or to what the handler writes is a new version (blue/green).
 */
export const REGISTRY_PROJECTION = "credit_registry";

/** The wire types the registry folds: every credit event on a subject's stream (look-ups have their own). */
const SUBJECT_WIRE_TYPES = Object.entries(creditEventTypes)
  .filter(([name]) => name !== "LookupRecorded")
  .map(([, type]) => type);

const ddl = (t: (n: string) => string, big: string) => `
  CREATE TABLE ${t("subjects")} (subject_id TEXT PRIMARY KEY, entry TEXT NOT NULL);
  CREATE TABLE ${t("history")} (
    subject_id TEXT NOT NULL,
    n ${big} NOT NULL,
    item TEXT NOT NULL,
    PRIMARY KEY (subject_id, n)
  );
  CREATE TABLE ${t("listings")} (
    subject_id TEXT NOT NULL,
    listing_id TEXT NOT NULL,
    seq ${big} NOT NULL,
    list TEXT NOT NULL,
    stage TEXT NOT NULL,
    due_action TEXT,
    due_from TEXT,
    item TEXT NOT NULL,
    PRIMARY KEY (subject_id, listing_id)
  );
  CREATE UNIQUE INDEX ${t("listings_seq")} ON ${t("listings")} (seq);
  CREATE INDEX ${t("in_force")} ON ${t("listings")} (list, seq) WHERE stage = 'effective';
  CREATE INDEX ${t("due")} ON ${t("listings")} (due_from, seq) WHERE due_action IS NOT NULL;
`;

/** The projection over the measures list the scheduler works under (for entries recorded without a move date). */
export function registryProjection(measures: MeasuresList = measuresV1): Projection {
  const months = measures.abnormalOperation.seriousListAfterMonths;
  const apply = async (recorded: RecordedEvent, { tx, t }: ProjectionContext) => {
    const event = subjectTypes.toDomain(recorded);
    if (!event) return;
    const subjectId = subjectOf(event);
    const row = await tx.get<{ entry: string }>(`SELECT entry FROM ${t("subjects")} WHERE subject_id = ?`, [
      subjectId,
    ]);
    const before = row ? (JSON.parse(row.entry) as RegistryEntry) : undefined;
    const next = applyRegistryEvent(before, recorded);
    if (!next) return;
    const { view } = next.entry;
    if (event.type === "SubjectRegistered") {
      await tx.run(`DELETE FROM ${t("history")} WHERE subject_id = ?`, [subjectId]);
      await tx.run(`DELETE FROM ${t("listings")} WHERE subject_id = ?`, [subjectId]);
    }
    await tx.run(
      `INSERT INTO ${t("subjects")} (subject_id, entry) VALUES (?, ?)
       ON CONFLICT (subject_id) DO UPDATE SET entry = excluded.entry`,
      [subjectId, JSON.stringify(next.entry)],
    );
    const n = await tx.get<{ n: number | string | null }>(
      `SELECT MAX(n) AS n FROM ${t("history")} WHERE subject_id = ?`,
      [subjectId],
    );
    await tx.run(`INSERT INTO ${t("history")} (subject_id, n, item) VALUES (?, ?, ?)`, [
      subjectId,
      n?.n === null || n?.n === undefined ? 0 : Number(n.n) + 1,
      JSON.stringify(next.history),
    ]);
    for (const listing of view.listings) {
      const due = dueOf(listing, months);
      const item: ListItem = {
        subjectId,
        ...(view.organisation ? { organisation: view.organisation } : {}),
        listing,
      };
      const known = await tx.get<{ seq: number | string }>(
        `SELECT seq FROM ${t("listings")} WHERE subject_id = ? AND listing_id = ?`,
        [subjectId, listing.listingId],
      );
      let seq = known ? Number(known.seq) : 0;
      if (!known) {
        const last = await tx.get<{ n: number | string | null }>(
          `SELECT MAX(seq) AS n FROM ${t("listings")}`,
        );
        seq = Number(last?.n ?? 0) + 1;
      }
      await tx.run(
        `INSERT INTO ${t("listings")} (subject_id, listing_id, seq, list, stage, due_action, due_from, item)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (subject_id, listing_id) DO UPDATE SET list = excluded.list, stage = excluded.stage,
           due_action = excluded.due_action, due_from = excluded.due_from, item = excluded.item`,
        [
          subjectId,
          listing.listingId,
          seq,
          listing.list,
          listing.stage,
          due?.action ?? null,
          due?.from ?? null,
          JSON.stringify(item),
        ],
      );
    }
  };
  return {
    name: REGISTRY_PROJECTION,
    version: 1,
    categories: ["subject"],
    migrations: [{ sqlite: (t) => ddl(t, "INTEGER"), postgres: (t) => ddl(t, "BIGINT") }],
    handlers: Object.fromEntries(SUBJECT_WIRE_TYPES.map((type) => [type, apply])),
  };
}

/** A page of a list: the items and the cursor of the next page (absent on the last page). */
export interface Page<T> {
  items: T[];
  next?: string;
}
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;

/**
 * The registry's queries, against whichever build of the projection is active. Lists come in pages (keyset
 * cursors on `seq`: a page costs the same wherever it starts).
 */
export class SqlRegistry {
  readonly #p: ProjectionHandle;
  constructor(projection: ProjectionHandle) {
    this.#p = projection;
  }

  /** A subject's view; its history only when asked (the history route). */
  get(subjectId: string, options: { history?: boolean } = {}): Promise<SubjectView | undefined> {
    return this.#p.read(async ({ db, t }) => {
      const row = await db.get<{ entry: string }>(`SELECT entry FROM ${t("subjects")} WHERE subject_id = ?`, [
        subjectId,
      ]);
      if (!row) return undefined;
      const { view } = JSON.parse(row.entry) as RegistryEntry;
      const history = options.history
        ? (
            await db.all<{ item: string }>(
              `SELECT item FROM ${t("history")} WHERE subject_id = ? ORDER BY n`,
              [subjectId],
            )
          ).map((r) => JSON.parse(r.item) as HistoryItem)
        : [];
      return { ...view, history };
    });
  }

  /** Entries in force on a list, in the order they were first seen; `after` is the previous page's `next`. */
  onList(list: CreditList, page: { limit?: number; after?: number } = {}): Promise<Page<ListItem>> {
    const limit = Math.min(page.limit ?? DEFAULT_PAGE, MAX_PAGE);
    return this.#p.read(async ({ db, t }) => {
      const rows = await db.all<{ seq: number | string; item: string }>(
        `SELECT seq, item FROM ${t("listings")} WHERE list = ? AND stage = 'effective' AND seq > ?
         ORDER BY seq LIMIT ?`,
        [list, page.after ?? 0, limit + 1],
      );
      const more = rows.length > limit;
      const shown = more ? rows.slice(0, limit) : rows;
      const last = shown.at(-1);
      return {
        items: shown.map((r) => JSON.parse(r.item) as ListItem),
        ...(more && last ? { next: String(Number(last.seq)) } : {}),
      };
    });
  }

  /** What the scheduler must look at on `today`, read in pages of 1 000. */
  async due(today: string): Promise<Due[]> {
    const out: Due[] = [];
    let after = 0;
    for (;;) {
      const rows = await this.#p.read(({ db, t }) =>
        db.all<{ subject_id: string; listing_id: string; due_action: Due["action"]; seq: number | string }>(
          `SELECT subject_id, listing_id, due_action, seq FROM ${t("listings")}
           WHERE due_action IS NOT NULL AND due_from <= ? AND seq > ? ORDER BY seq LIMIT 1000`,
          [today, after],
        ),
      );
      for (const r of rows)
        out.push({ subjectId: r.subject_id, listingId: r.listing_id, action: r.due_action });
      if (rows.length < 1000) return out;
      after = Number(rows.at(-1)?.seq);
    }
  }

  /** Every subject with its history, by subject id (for the rebuild-equals-live checks; not for routes). */
  snapshot(): Promise<SubjectView[]> {
    return this.#p.read(async ({ db, t }) => {
      const subjects = await db.all<{ subject_id: string; entry: string }>(
        `SELECT subject_id, entry FROM ${t("subjects")} ORDER BY subject_id`,
      );
      const history = await db.all<{ subject_id: string; item: string }>(
        `SELECT subject_id, item FROM ${t("history")} ORDER BY subject_id, n`,
      );
      const bySubject = new Map<string, HistoryItem[]>();
      for (const h of history) {
        const list = bySubject.get(h.subject_id) ?? [];
        list.push(JSON.parse(h.item) as HistoryItem);
        bySubject.set(h.subject_id, list);
      }
      return subjects
        .map((s) => ({
          ...(JSON.parse(s.entry) as RegistryEntry).view,
          history: bySubject.get(s.subject_id) ?? [],
        }))
        .sort((a, b) => a.subjectId.localeCompare(b.subjectId));
    });
  }
}
