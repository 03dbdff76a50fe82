import { setTimeout as sleep } from "node:timers/promises";
import pRetry from "p-retry";
import type { BusEvent, Delivery, EventHandler, RetryPolicy } from "./event-bus.ts";
import { type ConsumeTrace, inConsumeSpan } from "./tracing.ts";

/**
 * What a handler throws when it cannot act YET because a copy it keeps of another service's data has not caught
 * up (a matter version that approval's catalog copy has not seen, a case not in a copy yet): the topics are read
 * by separate groups, so one can run ahead of another, by seconds on a busy machine, by minutes after a restart.
 * Such a failure is not a try: the event is tried again with back-off (up to `maxBackoffMs`) until it succeeds or
 * `maxWaitMs` has passed, and only then counts as one failed try. So a lagging copy never sends an event to the
 * dead letters; a poison event still goes there after `maxAttempts` tries.
 */
export class NotYetKnown extends Error {
  override readonly name: string = "NotYetKnown";
}

/** How long, per delivery, a handler may keep answering NotYetKnown before its tries count (default 10 min). */
const DEFAULT_MAX_WAIT_MS = 600_000;

export type Outcome = { ok: true } | { ok: false; error: string; attempts: number };

/**
 * Hands one event to a handler, retrying with exponential back-off (p-retry) up to `maxAttempts`. Both buses
 * use it, so retries behave the same in embedded and distributed mode. The tries run in one consumer span
 * that continues the event's trace (`inConsumeSpan`): from the message's `traceparent` header (`transport`)
 * on Kafka, from the event's own attribute on the embedded bus.
 */
export async function deliver(
  handle: EventHandler,
  event: BusEvent,
  where: Omit<Delivery, "attempt">,
  policy: RetryPolicy & { groupId?: string },
  signal?: AbortSignal,
  transport?: Pick<ConsumeTrace, "headers">,
): Promise<Outcome> {
  const maxAttempts = policy.maxAttempts ?? 5;
  const maxBackoff = policy.maxBackoffMs ?? 2000;
  const waitUntil = Date.now() + (policy.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
  let attempts = 0;
  const trace: ConsumeTrace = {
    ...where,
    ...(policy.groupId ? { groupId: policy.groupId } : {}),
    ...(transport?.headers ? { headers: transport.headers } : {}),
  };
  try {
    await inConsumeSpan(event, trace, () =>
      pRetry(
        async (attempt) => {
          attempts = attempt;
          for (let wait = policy.initialBackoffMs ?? 100; ; wait = Math.min(wait * 2, maxBackoff)) {
            try {
              return await handle(event, { ...where, attempt });
            } catch (error) {
              if (!(error instanceof NotYetKnown) || Date.now() >= waitUntil) throw error;
              await sleep(wait, undefined, signal ? { signal } : {});
            }
          }
        },
        {
          retries: maxAttempts - 1,
          minTimeout: policy.initialBackoffMs ?? 100,
          maxTimeout: maxBackoff,
          factor: 2,
          ...(signal ? { signal } : {}),
        },
      ),
    );
    return { ok: true };
  } catch (error) {
    return { ok: false, error: describe(error), attempts };
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
