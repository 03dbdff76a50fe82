import type { ApplicationsModel } from "../read-models/applications.ts";
import type { IntakeService } from "./intake-service.ts";

const scheduler = { id: "intake-scheduler", role: "system" } as const;

/**
 * The scheduled, idempotent processes (domain brief §2): Art. 32 deemed acceptance when no notice came within 5
 * working days, and termination when 容缺 materials were not supplied in time. The read model names candidates;
 * the decider checks each against the application's own stream, so a repeat or a second replica does nothing.
 */
export async function runDueProcesses(service: IntakeService, model: ApplicationsModel, now: string) {
  const result = { deemedAccepted: 0, terminated: 0 };
  for (const c of model.candidates()) {
    const ctx = { now, actor: scheduler };
    if (c.action === "DeemAccepted") {
      const r = await service.deemAccepted(c.applicationId, ctx);
      result.deemedAccepted += r.events.length > 0 ? 1 : 0;
    } else {
      const r = await service.execute(c.applicationId, { type: "TerminateUnsupplied", data: {} }, ctx);
      result.terminated += r.events.length > 0 ? 1 : 0;
    }
  }
  return result;
}
