import type { Role } from "@gov/contracts";
import type { EventStore } from "@gov/eventsourcing";
import type { App } from "@gov/service-kit";
import { expect } from "vitest";
import type { TestCaller } from "./service-test-app.ts";

/** What the probe needs of a `serviceTestApp` harness. */
interface Harness {
  app: App;
  store: EventStore;
  as(caller: Role | TestCaller): Promise<{ authorization?: string }>;
}

/**
 * The property-based tests' one request path, shared by every service: sends an arbitrary request and holds
 * what must hold for ANY input — never a 5xx, a refusal is problem+json, and a refused request stores nothing.
 * It counts what it sent, what succeeded and the events stored, so a suite can show it is not about 400s alone.
 * `harness` is read on each call (suites create it in `beforeAll`).
 */
export function arbitraryRequests(harness: () => Harness) {
  let mark: string | undefined;
  const counts = { sent: 0, succeeded: 0, counted: 0 };
  /** Events stored since the last call (read incrementally from the log). */
  const newEvents = async (): Promise<number> => {
    const page = await harness().store.readAll({ ...(mark ? { after: mark } : {}), limit: 100_000 });
    mark = page.events.at(-1)?.position ?? mark;
    counts.counted += page.events.length;
    return page.events.length;
  };
  return {
    counts,
    newEvents,
    async send(request: {
      method?: "POST" | "PUT";
      url: string;
      caller: Role | TestCaller;
      headers: Record<string, string>;
      body: unknown;
    }): Promise<number> {
      const h = harness();
      await newEvents();
      const res = await h.app.inject({
        method: request.method ?? "POST",
        url: request.url,
        headers: { ...(await h.as(request.caller)), "content-type": "application/json", ...request.headers },
        payload: JSON.stringify(request.body) ?? "null",
      });
      counts.sent++;
      if (res.statusCode < 300) counts.succeeded++;
      expect(res.statusCode, res.body).toBeLessThan(500);
      const stored = await newEvents();
      if (res.statusCode >= 400) {
        expect(res.headers["content-type"], res.body).toContain("application/problem+json");
        expect(stored, `${res.statusCode} ${res.body}: a refused request stores nothing`).toBe(0);
      }
      return res.statusCode;
    },
  };
}
