import { PublishedCalendar } from "@gov/calendar";
import { calendarYearPublished, mattersEventTypes, topics } from "@gov/contracts";
import type { ProjectionDatabase } from "@gov/eventsourcing/projections";
import {
  type BusEvent,
  type BusProjection,
  type BusProjectionHandle,
  type EventBus,
  type MessagingLogger,
  startBusProjection,
} from "@gov/messaging";

const ddl = (t: (n: string) => string) => `
  CREATE TABLE ${t("versions")} (
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (year, version)
  )`;

/**
 * A service's copy of the published working-day calendar (docs/calendar.md): every CalendarYearPublished, one row per
 * year and version in the service's projection database (`<service>_calendar`), kept with the topic's offsets.
 * Deadlines are counted many times a request and synchronously, so the calendar itself is held in memory: a few
 * rows a year, rebuilt from the table at start (not from the topic) and on `refresh`.
 */
export const calendarCopyProjection = (service: string): BusProjection => ({
  name: `${service}_calendar`,
  version: 1,
  topics: [topics.matters.calendar],
  migrations: [{ sqlite: ddl, postgres: ddl }],
  handlers: {
    [mattersEventTypes.CalendarYearPublished]: async (event, { tx, t }) => {
      const d = calendarYearPublished.parse(event.data);
      await tx.run(
        `INSERT INTO ${t("versions")} (year, version, event) VALUES (?, ?, ?) ON CONFLICT (year, version) DO NOTHING`,
        [d.year, d.version, JSON.stringify({ type: event.type, data: event.data, time: event.time })],
      );
    },
  },
});

/** The calendar in memory, from the copy's table: loaded at start, then kept current. */
export class CalendarCopy {
  #calendar = new PublishedCalendar();
  #rows = 0;
  #p: BusProjectionHandle | undefined;

  get calendar(): PublishedCalendar {
    return this.#calendar;
  }

  /** Applies an event this process just stored (the projection's `afterCommit`). */
  applied(event: BusEvent): void {
    if (this.#calendar.apply(event)) this.#rows += 1;
  }

  /**
   * Reloads the calendar from the table when it holds versions this process has not applied (another replica
   * consumed them: replicas share the consumer group, so each sees only its partitions' events).
   */
  async refresh(projection: BusProjectionHandle = this.#p as BusProjectionHandle): Promise<void> {
    this.#p = projection;
    const rows = await projection.read(({ db, t }) =>
      db.all<{ event: string }>(`SELECT event FROM ${t("versions")} ORDER BY year, version`),
    );
    if (rows.length === this.#rows) return;
    const calendar = new PublishedCalendar();
    for (const r of rows) calendar.apply(JSON.parse(r.event) as BusEvent);
    this.#calendar = calendar;
    this.#rows = rows.length;
  }
}

/** How often a replica reloads the calendar from the table (versions another replica consumed). */
const REFRESH_MS = 10_000;

/**
 * Starts a service's calendar copy in its projection database (`service`: the prefix of its tables, e.g. `intake`):
 * the bus projection, the calendar loaded from the table, and a refresh every 10 s, since replicas share the
 * consumer group and each sees only its partitions' versions. `close` stops both.
 */
export async function startCalendarCopy(
  deps: { bus: EventBus; logger: MessagingLogger },
  db: ProjectionDatabase,
  service: string,
): Promise<{ copy: CalendarCopy; handle: BusProjectionHandle; close(): Promise<void> }> {
  const copy = new CalendarCopy();
  const projection = calendarCopyProjection(service);
  const handle = await startBusProjection(deps.bus, db, projection, {
    groupId: projection.name.replaceAll("_", "-"),
    afterCommit: (e: BusEvent) => copy.applied(e),
  });
  await copy.refresh(handle);
  const timer = setInterval(() => {
    copy.refresh().catch((error: unknown) => {
      deps.logger.error({ error: String(error) }, `${service} calendar copy not refreshed`);
    });
  }, REFRESH_MS);
  timer.unref();
  return {
    copy,
    handle,
    close: async () => {
      clearInterval(timer);
      await handle.close();
    },
  };
}
