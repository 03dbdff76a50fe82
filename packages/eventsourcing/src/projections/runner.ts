import type { RecordedEvent } from "../envelope.ts";
import { CheckpointConflictError } from "../errors.ts";
import type { EventStore } from "../event-store.ts";
import { comparePositions } from "../kernel/positions.ts";
import { countAhead, runCatchUp } from "../kernel/subscription.ts";
import {
  type Projection,
  type ProjectionDatabase,
  projectionFilter,
  projectionNamePattern,
  type SqlRunner,
  type TableNamer,
} from "./port.ts";
import {
  activeBuild,
  type BuildRow,
  buildPrefix,
  createBuild,
  dropRetired,
  ensureRegistry,
  listBuilds,
  requestRebuild,
  storeCheckpoint,
  switchActive,
  tableNamer,
} from "./registry.ts";

export interface ProjectionLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ProjectionRunOptions {
  /** Events per page, i.e. per transaction (default 500). */
  batchSize?: number;
  /** How long a retired build's tables are kept after a switch (default 10 minutes). */
  graceMs?: number;
  /** How often the registry is looked at for rebuild requests, switches by other replicas and drops (default 2 s). */
  registryPollMs?: number;
  /** Longest sleep at the end of the log before polling again (default 1000 ms). */
  idleWaitMs?: number;
  /**
   * A build that applied at least this many events before it first caught up (a new build, or a long stop) has
   * its tables' planner statistics gathered (`ANALYZE`) before it reports caught up (default 10 000).
   */
  analyzeAfterEvents?: number;
  /** Wall clock for the registry's timestamps (default the system's). */
  now?: () => string;
  logger?: ProjectionLogger;
  /** Test hook: called inside a page's transaction after its rows and before its checkpoint (throw to crash). */
  beforeCheckpoint?: (build: number, events: readonly RecordedEvent[]) => void;
}

/** What a query gets: a connection that sees committed data, and the active build's table names and version. */
export interface ProjectionReader {
  db: SqlRunner;
  t: TableNamer;
  version: number;
  build: number;
}

/**
 * A running projection: satisfies the service kit's `ReadModelPort` (readiness, `waitFor` for
 * `min-log-position`, `close`), answers queries against its active build, and rebuilds blue/green.
 */
export interface ProjectionHandle {
  readonly name: string;
  readonly version: number;
  /** The active build's checkpoint: the log position the model has applied up to. */
  readonly position: string | undefined;
  /** True once the active build has read the whole log (and since). */
  readonly caughtUp: boolean;
  readonly activeBuild: number | undefined;
  readonly readiness: { name: string; check(): Promise<void> };
  /** Runs a query against the active build (whichever build is active when it starts). */
  read<T>(query: (r: ProjectionReader) => Promise<T>): Promise<T>;
  waitFor(position: string, timeoutMs: number): Promise<boolean>;
  /** Events of the projection's categories after the active build's checkpoint (at most `cap`, default 10 000). */
  lag(cap?: number): Promise<number>;
  /** Starts a new build of the current version beside the active one; it takes over once it has caught up. */
  rebuild(): Promise<number>;
  /** Looks at the registry now (rebuild requests, switches, drops) instead of at the next poll. */
  reconcile(): Promise<void>;
  builds(): Promise<BuildRow[]>;
  close(): Promise<void>;
}

interface Runner {
  build: number;
  version: number;
  position: string | undefined;
  caughtUp: boolean;
  controller: AbortController;
  done: Promise<void>;
  /** Cuts the build's wait for appends short (see `waitFor`). */
  wake?: () => void;
}

/**
 * Starts a projection on a projection database, fed from `store`'s log. Each page's rows and the build's checkpoint
 * are written in ONE transaction, the checkpoint by compare-and-set on the previous value: a crash between them
 * rolls both back, so no event is applied twice or skipped. Resolves once the registry is set up and an active
 * build exists (the very first build serves while it catches up, as an in-memory model would; later builds are
 * green until they have caught up).
 */
export async function startProjection(
  store: EventStore,
  db: ProjectionDatabase,
  projection: Projection,
  options: ProjectionRunOptions = {},
): Promise<ProjectionHandle> {
  if (!projectionNamePattern.test(projection.name)) throw new Error(`projection name "${projection.name}"`);
  const { name, version } = projection;
  const now = options.now ?? (() => new Date().toISOString());
  const graceMs = options.graceMs ?? 10 * 60_000;
  const runners = new Map<number, Runner>();
  const waiters = new Set<{ position: string; resolve: (ok: boolean) => void }>();
  let active: { build: number; version: number; position: string | undefined } | undefined;
  let failure: unknown;
  let closed = false;

  const activePosition = () =>
    active ? (runners.get(active.build)?.position ?? active.position) : undefined;
  const reached = (wanted: string) => {
    const p = activePosition();
    return p !== undefined && comparePositions(p, wanted) >= 0;
  };
  const notify = () => {
    for (const w of waiters) if (reached(w.position)) w.resolve(true);
  };

  /**
   * Planner statistics for a build's tables. A table filled by a catch-up has none until autovacuum gets to it,
   * and without them PostgreSQL guessed a case-number search (`WHERE case_number = ? ORDER BY seq`) matched 1 %
   * of a million rows and walked the `seq` index: seconds a query instead of a millisecond. SQLite samples a
   * bounded number of rows per index (`analysis_limit`), so that it does not read a large file in full.
   */
  const analyze = async (build: number) => {
    const started = performance.now();
    const tables = await db.tablesStartingWith(buildPrefix(name, build));
    if (db.dialect === "sqlite") await db.exec("PRAGMA analysis_limit = 1000");
    for (const table of tables) await db.exec(`ANALYZE ${table}`);
    options.logger?.info(
      { projection: name, build, tables: tables.length, ms: Math.round(performance.now() - started) },
      "projection build analysed",
    );
  };

  const migrate = async (build: number) => {
    const t = tableNamer(name, build);
    await db.transaction(async (tx) => {
      for (const m of projection.migrations) await tx.exec(m[db.dialect](t));
    });
  };

  const run = (row: { build: number; version: number; position: string | null | undefined }) => {
    const controller = new AbortController();
    const runner: Runner = {
      build: row.build,
      version: row.version,
      position: row.position ?? undefined,
      caughtUp: false,
      controller,
      done: Promise.resolve(),
    };
    const t = tableNamer(name, row.build);
    let stored = runner.position;
    let switching = false;
    let applied = 0;
    let analysing = false;
    const caughtUp = () => {
      runner.caughtUp = true;
      if (active?.build !== row.build && !switching) {
        switching = true;
        void takeOver(runner).finally(() => {
          switching = false;
        });
      }
    };
    const loop = async () => {
      let backoff = 100;
      while (!controller.signal.aborted) {
        try {
          await runCatchUp({
            store,
            subscriberId: `projection-${name}-b${row.build}`,
            filter: projectionFilter(projection),
            batchSize: options.batchSize ?? 500,
            ...(options.idleWaitMs === undefined ? {} : { idleWaitMs: options.idleWaitMs }),
            signal: controller.signal,
            load: async () => {
              const rows = await listBuilds(db, name);
              stored = rows.find((b) => b.build === row.build)?.position ?? undefined;
              return stored;
            },
            handle: async (events, next) => {
              await db.transaction(async (tx) => {
                if (projection.applyPage) {
                  const handled = events.filter((e) => projection.handlers[e.type] !== undefined);
                  if (handled.length > 0) await projection.applyPage(handled, { tx, t });
                } else {
                  for (const e of events) {
                    const h = projection.handlers[e.type];
                    if (h) await h(e, { tx, t });
                  }
                }
                if (projection.everyPage) await projection.everyPage(events, { tx, t });
                options.beforeCheckpoint?.(row.build, events);
                await storeCheckpoint(tx, name, row.build, next, stored);
              });
              stored = next;
              applied += events.length;
              failure = undefined;
              backoff = 100;
            },
            wakeable: (wakeNow) => {
              runner.wake = wakeNow;
            },
            onAdvance: (next) => {
              runner.position = next;
              if (active?.build === row.build) notify();
            },
            onCaughtUp: () => {
              if (!runner.caughtUp && applied >= (options.analyzeAfterEvents ?? 10_000)) {
                if (!analysing) {
                  analysing = true;
                  void analyze(row.build)
                    .catch((error: unknown) =>
                      options.logger?.error({ projection: name, build: row.build, error }, "ANALYZE failed"),
                    )
                    .finally(() => {
                      applied = 0;
                      analysing = false;
                      if (!controller.signal.aborted) caughtUp();
                    });
                }
                return;
              }
              caughtUp();
            },
          });
        } catch (error) {
          if (controller.signal.aborted) return;
          if (!(error instanceof CheckpointConflictError)) {
            failure = error;
            options.logger?.error(
              { projection: name, build: row.build, error: String(error) },
              "projection page failed",
            );
          }
          await sleep(backoff, controller.signal);
          backoff = Math.min(backoff * 2, 30_000);
        }
      }
    };
    runner.done = loop();
    runners.set(row.build, runner);
    return runner;
  };

  // One look at the registry, or one switch, at a time (the poller, rebuild(), a green build taking over).
  let reconciling: Promise<void> = Promise.resolve();
  const exclusive = (work: () => Promise<void>): Promise<void> => {
    const next = reconciling.then(work, work);
    reconciling = next.catch(() => undefined);
    return next;
  };

  /**
   * A green build that has caught up becomes the active one (one transaction in the registry). It takes its turn
   * with the looks at the registry: a look that read the registry before the switch committed would otherwise
   * put the old build back and stop the new one.
   */
  const takeOver = (green: Runner) =>
    exclusive(async () => {
      try {
        if (closed || runners.get(green.build) !== green || active?.build === green.build) return;
        const from = active?.build;
        if (!(await switchActive(db, name, from, green.build, now()))) return reconcileNow();
        active = { build: green.build, version: green.version, position: green.position };
        options.logger?.info({ projection: name, from, to: green.build }, "projection build switched");
        notify();
        if (from !== undefined) await stop(from);
      } catch (error) {
        failure = error;
      }
    });

  const stop = async (build: number) => {
    const r = runners.get(build);
    if (!r) return;
    runners.delete(build);
    r.controller.abort();
    await r.done;
  };

  const reconcileNow = async () => {
    if (closed) return;
    const builds = await listBuilds(db, name);
    const current = await activeBuild(db, name);
    if (current && current.build !== active?.build) {
      const before = active?.build;
      active = { build: current.build, version: current.version, position: current.position ?? undefined };
      if (before !== undefined) await stop(before);
      notify();
    } else if (current && active && !runners.has(current.build)) {
      active.position = current.position ?? undefined;
      notify();
    }
    // The active build follows the log when this code wrote it (an older version's stays as it is until the
    // green build of this version takes over: its replicas, if any, keep it fresh).
    if (current && current.version === version && !runners.has(current.build)) run(current);
    for (const b of builds) {
      if (b.state !== "building") continue;
      if (b.version === version) {
        if (!runners.has(b.build)) {
          if (b.position === null) await migrate(b.build);
          run(b);
        }
      } else if (b.version < version) {
        // A green build of an older version than this code's: never to be finished; drop it after the grace.
        await db.run(
          "UPDATE projection_builds SET state = 'retired', retired_at = ? WHERE projection = ? AND build = ?",
          [now(), name, b.build],
        );
      }
    }
    const wanted = builds.some((b) => b.state === "building" && b.version === version);
    if (!current) {
      // The very first build: active at once, so queries answer (readiness waits until it has caught up).
      const build = await db.transaction((tx) => createBuild(tx, name, version, now(), true));
      await migrate(build);
      active = { build, version, position: undefined };
      run({ build, version, position: null });
    } else if (current.version < version && !wanted) {
      const build = await db.transaction((tx) => createBuild(tx, name, version, now()));
      await migrate(build);
      run({ build, version, position: null });
    }
    await dropRetired(db, name, graceMs, now());
  };

  const reconcile = (): Promise<void> => exclusive(reconcileNow);

  await ensureRegistry(db);
  await reconcile();
  const poller = setInterval(() => {
    reconcile().catch((error: unknown) => {
      options.logger?.error({ projection: name, error: String(error) }, "projection registry check failed");
    });
  }, options.registryPollMs ?? 2000);
  poller.unref();

  return {
    name,
    version,
    get position() {
      return activePosition();
    },
    get caughtUp() {
      return active !== undefined && (runners.get(active.build)?.caughtUp ?? true);
    },
    get activeBuild() {
      return active?.build;
    },
    readiness: {
      name,
      check: async () => {
        if (failure !== undefined) throw new Error(`${name}: ${String(failure)}`);
        if (!active) throw new Error(`${name} has no active build yet`);
        const r = runners.get(active.build);
        if (r && !r.caughtUp) throw new Error(`${name} is still catching up with the log`);
      },
    },
    async read(query) {
      if (!active) throw new Error(`${name} has no active build yet`);
      const { build, version: v } = active;
      return query({ db, t: tableNamer(name, build), version: v, build });
    },
    waitFor(wanted, timeoutMs) {
      if (reached(wanted)) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const waiter = {
          position: wanted,
          resolve: (ok: boolean) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(ok);
          },
        };
        const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
        waiters.add(waiter);
        // The build waits for appends of its own categories only: a position of another category's event
        // would not wake it, so it reads now (and moves past it if it holds nothing for this model).
        if (active) runners.get(active.build)?.wake?.();
      });
    },
    lag(cap = 10_000) {
      return countAhead(store, { after: activePosition(), filter: projectionFilter(projection), cap });
    },
    async rebuild() {
      const build = await requestRebuild(db, name, now(), version);
      await reconcile();
      return build;
    },
    reconcile,
    builds: () => listBuilds(db, name),
    async close() {
      closed = true;
      clearInterval(poller);
      for (const b of [...runners.keys()]) await stop(b);
      for (const w of waiters) w.resolve(false);
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
