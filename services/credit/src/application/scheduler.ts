import { businessDate } from "../domain/dates.ts";
import type { CreditRegistry } from "../read-models/registry.ts";
import type { CreditService } from "./credit-service.ts";

const scheduler = { id: "credit-scheduler", role: "system" } as const;

/**
 * The scheduled, idempotent process (domain brief §5): entries whose objection window has closed take effect,
 * entries at their maximum disclosure period expire. The registry says what may be due; the decider checks
 * against the subject's own stream, so a lagging registry, a second run or a second replica changes nothing.
 */
export async function runDueProcesses(service: CreditService, registry: CreditRegistry, now: string) {
  const result = { tookEffect: 0, expired: 0 };
  for (const due of registry.due(businessDate(now))) {
    const r = await service.execute(
      due.subjectId,
      { type: due.action, data: { listingId: due.listingId } },
      { now, actor: scheduler },
    );
    if (r.events.length === 0) continue;
    if (due.action === "TakeEffect") result.tookEffect++;
    else result.expired++;
  }
  return result;
}
