import pRetry from "p-retry";
import type { BusEvent, Delivery, EventHandler, RetryPolicy } from "./event-bus.ts";
import { type ConsumeTrace, inConsumeSpan } from "./tracing.ts";

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
          await handle(event, { ...where, attempt });
        },
        {
          retries: maxAttempts - 1,
          minTimeout: policy.initialBackoffMs ?? 100,
          maxTimeout: policy.maxBackoffMs ?? 2000,
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
