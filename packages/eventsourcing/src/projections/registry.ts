import { CheckpointConflictError } from "../errors.ts";
import type { ProjectionDatabase, SqlRunner, TableNamer } from "./port.ts";

/** A build of a projection: one version's tables, built from the start of the log, with its own checkpoint. */
export interface BuildRow {
  projection: string;
  build: number;
  version: number;
  /** `building` (green), `active` (serving), `retired` (kept for the grace period), `dropped`. */
  state: "building" | "active" | "retired" | "dropped";
  position: string | null;
  created_at: string;
  switched_at: string | null;
  retired_at: string | null;
}

const REGISTRY = [
  `CREATE TABLE IF NOT EXISTS projection_builds (
    projection TEXT NOT NULL,
    build INTEGER NOT NULL,
    version INTEGER NOT NULL,
    state TEXT NOT NULL,
    position TEXT,
    created_at TEXT NOT NULL,
    switched_at TEXT,
    retired_at TEXT,
    PRIMARY KEY (projection, build)
  )`,
  "CREATE TABLE IF NOT EXISTS projection_active (projection TEXT PRIMARY KEY, build INTEGER NOT NULL)",
];

/** The names of one build's tables: `<projection>_b<build>_<table>`. */
export const tableNamer =
  (projection: string, build: number): TableNamer =>
  (table) =>
    `${buildPrefix(projection, build)}${table}`;
export const buildPrefix = (projection: string, build: number) => `${projection}_b${build}_`;

export async function ensureRegistry(db: ProjectionDatabase): Promise<void> {
  for (const sql of REGISTRY) {
    try {
      await db.exec(sql);
    } catch (error) {
      // Two replicas creating the registry at once (PostgreSQL): the loser finds it there.
      if (
        !(await db.tablesStartingWith("projection_")).includes(
          sql.includes("builds") ? "projection_builds" : "projection_active",
        )
      )
        throw error;
    }
  }
}

export async function listBuilds(db: SqlRunner, projection?: string): Promise<BuildRow[]> {
  const rows = await db.all<BuildRow>(
    projection === undefined
      ? "SELECT * FROM projection_builds ORDER BY projection, build"
      : "SELECT * FROM projection_builds WHERE projection = ? ORDER BY build",
    projection === undefined ? [] : [projection],
  );
  return rows.map((r) => ({ ...r, build: Number(r.build), version: Number(r.version) }));
}

export async function activeBuild(db: SqlRunner, projection: string): Promise<BuildRow | undefined> {
  const row = await db.get<BuildRow>(
    `SELECT b.* FROM projection_active a JOIN projection_builds b ON b.projection = a.projection AND b.build = a.build
     WHERE a.projection = ?`,
    [projection],
  );
  return row && { ...row, build: Number(row.build), version: Number(row.version) };
}

/** Adds a build (the next number) in state `building`, or `active` when `activate` (the very first build). */
export async function createBuild(
  tx: SqlRunner,
  projection: string,
  version: number,
  now: string,
  activate = false,
): Promise<number> {
  const last = await tx.get<{ n: number | string | null }>(
    "SELECT MAX(build) AS n FROM projection_builds WHERE projection = ?",
    [projection],
  );
  const build = Number(last?.n ?? 0) + 1;
  await tx.run(
    "INSERT INTO projection_builds (projection, build, version, state, position, created_at, switched_at) VALUES (?, ?, ?, ?, NULL, ?, ?)",
    [projection, build, version, activate ? "active" : "building", now, activate ? now : null],
  );
  if (activate) {
    const changed = await tx.run(
      "INSERT INTO projection_active (projection, build) VALUES (?, ?) ON CONFLICT (projection) DO NOTHING",
      [projection, build],
    );
    if (changed !== 1)
      throw new CheckpointConflictError(`projection ${projection}`, "no active build", "one");
  }
  return build;
}

/** Moves a build's checkpoint from `previous` to `next` (compare-and-set), inside the page's transaction. */
export async function storeCheckpoint(
  tx: SqlRunner,
  projection: string,
  build: number,
  next: string,
  previous: string | undefined,
): Promise<void> {
  const changed =
    previous === undefined
      ? await tx.run(
          "UPDATE projection_builds SET position = ? WHERE projection = ? AND build = ? AND position IS NULL",
          [next, projection, build],
        )
      : await tx.run(
          "UPDATE projection_builds SET position = ? WHERE projection = ? AND build = ? AND position = ?",
          [next, projection, build, previous],
        );
  if (changed !== 1) {
    const row = await tx.get<{ position: string | null }>(
      "SELECT position FROM projection_builds WHERE projection = ? AND build = ?",
      [projection, build],
    );
    throw new CheckpointConflictError(
      `projection ${projection} build ${build}`,
      previous,
      row?.position ?? undefined,
    );
  }
}

/**
 * Makes `to` the active build in one transaction: the registry row moves from `from` (compare-and-set: another
 * replica may have switched first), `to` becomes `active` and `from` `retired` (its tables are dropped after the
 * grace period). Answers false when `from` was no longer the active build.
 */
export async function switchActive(
  db: ProjectionDatabase,
  projection: string,
  from: number | undefined,
  to: number,
  now: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const changed =
      from === undefined
        ? await tx.run(
            "INSERT INTO projection_active (projection, build) VALUES (?, ?) ON CONFLICT (projection) DO NOTHING",
            [projection, to],
          )
        : await tx.run("UPDATE projection_active SET build = ? WHERE projection = ? AND build = ?", [
            to,
            projection,
            from,
          ]);
    if (changed !== 1) return false;
    await tx.run(
      "UPDATE projection_builds SET state = 'active', switched_at = ? WHERE projection = ? AND build = ?",
      [now, projection, to],
    );
    if (from !== undefined)
      await tx.run(
        "UPDATE projection_builds SET state = 'retired', retired_at = ? WHERE projection = ? AND build = ?",
        [now, projection, from],
      );
    return true;
  });
}

/** Asks for a rebuild: a new build of `version` (or of the active build's), built beside the active one. */
export async function requestRebuild(
  db: ProjectionDatabase,
  projection: string,
  now: string,
  version?: number,
): Promise<number> {
  await ensureRegistry(db);
  return db.transaction(async (tx) => {
    const building = await tx.get<{ build: number }>(
      "SELECT build FROM projection_builds WHERE projection = ? AND state = 'building' ORDER BY build DESC",
      [projection],
    );
    if (building) return Number(building.build);
    const active = await activeBuild(tx, projection);
    const v = version ?? active?.version;
    if (v === undefined)
      throw new Error(`projection ${projection} has no build yet: start its service first`);
    return createBuild(tx, projection, v, now);
  });
}

/** Drops the tables of builds retired more than `graceMs` ago; answers the builds dropped. */
export async function dropRetired(
  db: ProjectionDatabase,
  projection: string,
  graceMs: number,
  now: string,
): Promise<number[]> {
  const dropped: number[] = [];
  for (const b of await listBuilds(db, projection)) {
    if (b.state !== "retired" || !b.retired_at) continue;
    if (Date.parse(now) - Date.parse(b.retired_at) < graceMs) continue;
    const tables = await db.tablesStartingWith(buildPrefix(projection, b.build));
    await db.transaction(async (tx) => {
      for (const t of tables) await tx.exec(`DROP TABLE IF EXISTS ${t}`);
      await tx.run("UPDATE projection_builds SET state = 'dropped' WHERE projection = ? AND build = ?", [
        projection,
        b.build,
      ]);
    });
    dropped.push(b.build);
  }
  return dropped;
}
