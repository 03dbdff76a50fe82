import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NewEvent, RecordedEvent } from "../envelope.ts";
import { openSqliteEventStore, type SqliteEventStore } from "../sqlite/store.ts";

/**
 * A real embedded store in a temp file, for HTTP route tests (given existing streams, when a
 * request, then a status and the new events):
 *
 *   const t = await embeddedTestStore({ "matter-food": [drafted] });
 *   const res = await app.inject(...);
 *   expect(await t.newEvents()).toMatchObject([{ type: "gov.matters.matter.published.v1" }]);
 *   await t.dispose();
 */
export async function embeddedTestStore(given: Record<string, NewEvent[]> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "gov-es-"));
  const store: SqliteEventStore = openSqliteEventStore({
    path: join(dir, "events.db"),
    synchronous: "NORMAL",
    pollMs: 20,
  });
  for (const [streamId, events] of Object.entries(given)) await store.append(streamId, events, "any");
  const mark = (await store.readAll({ limit: 1_000_000 })).nextPosition;
  return {
    store,
    /** Events appended after the `given` streams, in log order. */
    async newEvents(): Promise<RecordedEvent[]> {
      return (await store.readAll({ ...(mark ? { after: mark } : {}), limit: 1_000_000 })).events;
    },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
