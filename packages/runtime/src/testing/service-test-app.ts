import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Role } from "@gov/contracts";
import type { NewEvent, RecordedEvent } from "@gov/eventsourcing";
import { embeddedTestStore } from "@gov/eventsourcing/testing";
import { EmbeddedEventBus, silentLogger } from "@gov/messaging";
import {
  type App,
  buildApp,
  createLogger,
  loadConfig,
  mintToken,
  type ServiceModule,
} from "@gov/service-kit";
import { testClock } from "@gov/testing";
import { expect } from "vitest";
import { z } from "zod";
import { runtimeConfig } from "../config.ts";
import type { ServiceDeps } from "../infrastructure.ts";

/** Who sends a test request: a role, and the claims that scope it. */
export interface TestCaller {
  role: Role;
  sub?: string;
  region?: string;
  department?: string;
}

export interface TestRequest {
  method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  url: string;
  /** A role, or a caller with claims; absent: no token. */
  as?: Role | TestCaller;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * One service module on a real SQLite file store and the embedded bus, behind the service kit, with a clock
 * the test moves: the harness every service's route tests share.
 */
export async function serviceTestApp<M extends ServiceModule>(
  build: (deps: ServiceDeps, clock: () => string) => Promise<M> | M,
  options: { start?: string; given?: Record<string, NewEvent[]> } = {},
) {
  const t = await embeddedTestStore(options.given ?? {});
  const dir = mkdtempSync(join(tmpdir(), "service-test-"));
  const settings = z.object(runtimeConfig).parse({ DATA_DIR: dir, EVENT_BUS: "embedded" });
  const bus = new EmbeddedEventBus(t.store, t.store.checkpoints);
  const clock = testClock(options.start);
  const module = await build(
    { store: t.store, bus, settings, logger: silentLogger, clock: clock.now },
    clock.now,
  );
  const app: App = await buildApp({
    modules: [module],
    config: loadConfig({ NODE_ENV: "test" }),
    logger: createLogger({ level: "silent", pretty: false }),
  });
  const headersFor = async (caller: Role | TestCaller | undefined) => {
    if (caller === undefined) return {};
    const c = typeof caller === "string" ? { role: caller } : caller;
    const token = await mintToken({
      sub: c.sub ?? `${c.role}-1`,
      role: c.role,
      ...(c.region ? { region: c.region } : {}),
      ...(c.department ? { department: c.department } : {}),
    });
    return { authorization: `Bearer ${token}` };
  };
  let mark: string | undefined = (await t.store.readAll({ limit: 1_000_000 })).nextPosition;
  const appendedSinceMark = async (): Promise<RecordedEvent[]> => {
    const page = await t.store.readAll({ ...(mark ? { after: mark } : {}), limit: 1_000_000 });
    return page.events;
  };

  /** Sends a request as a caller. */
  const request = async (r: TestRequest) =>
    app.inject({
      method: r.method,
      url: r.url,
      headers: { ...(await headersFor(r.as)), ...(r.headers ?? {}) },
      ...(r.body === undefined ? {} : { payload: r.body as object }),
    });

  return {
    app,
    store: t.store,
    bus,
    module,
    clock,
    dir,
    /** Authorization headers for a caller (for requests the spec below does not cover). */
    as: headersFor,
    request,
    /** Events appended since the harness started (after the `given` streams). */
    newEvents: t.newEvents,
    /** Appends another service's (or an earlier) event, as if it had happened before the request. */
    async given(streamId: string, ...events: NewEvent[]) {
      await t.store.append(streamId, events, "any");
      mark =
        (await t.store.readAll({ ...(mark ? { after: mark } : {}), limit: 1_000_000 })).nextPosition ?? mark;
    },
    /**
     * The HTTP spec: `when(request)` then the status and exactly the events the request appended to the
     * store, e.g. `.thenAppended(201, "gov.intake.application.submitted.v1")`, or `.thenRefused(400, ["body.channel"])`
     * for a refusal that names its fields and stores nothing.
     */
    when(r: TestRequest) {
      const sent = (async () => {
        mark =
          (await t.store.readAll({ ...(mark ? { after: mark } : {}), limit: 1_000_000 })).nextPosition ??
          mark;
        const response = await request(r);
        const events = await appendedSinceMark();
        mark = events.at(-1)?.position ?? mark;
        return { response, events, body: parse(response.body) };
      })();
      return {
        async thenAppended(status: number, ...types: (string | Partial<RecordedEvent>)[]) {
          const { response, events, body } = await sent;
          expect(response.statusCode, response.body).toBe(status);
          expect(events).toMatchObject(types.map((x) => (typeof x === "string" ? { type: x } : x)));
          expect(events).toHaveLength(types.length);
          return { response, events, body };
        },
        async thenRefused(status: number, fields: string[] = []) {
          const { response, events, body } = await sent;
          expect(response.statusCode, response.body).toBe(status);
          expect(response.headers["content-type"]).toMatch(/application\/problem\+json/);
          const named = ((body as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field);
          for (const field of fields) expect(named).toContain(field);
          expect(events, "a refused request stores nothing").toEqual([]);
          return { response, body };
        },
      };
    },
    async dispose() {
      await app.close();
      for (const m of app.modules) {
        await m.close?.();
        for (const r of m.readModels ?? []) await r.close();
      }
      await bus.close();
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
