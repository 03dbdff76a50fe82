import { approvalModule } from "@gov/approval";
import { auditModule } from "@gov/audit";
import { creditModule } from "@gov/credit";
import { exchangeModule } from "@gov/exchange";
import { intakeModule } from "@gov/intake";
import { mattersModule } from "@gov/matters";
import { reviewAndMonitorModule } from "@gov/review-and-monitor";
import type { ServiceDeps } from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";

/**
 * The services mounted in embedded mode, each under its own prefix, all on one event store. A domain
 * service joins the platform by adding its module here.
 */
export async function embeddedModules(deps: ServiceDeps): Promise<ServiceModule[]> {
  // Matters first: its demo catalog loads before the services that build on it.
  // The exchange feed follows intake's and approval's events (docs/exchange.md).
  // Audit last: a read side of every other service's events (docs/audit.md).
  return [
    await mattersModule(deps),
    await creditModule(deps),
    await intakeModule(deps),
    await approvalModule(deps),
    await exchangeModule(deps),
    await reviewAndMonitorModule(deps),
    await auditModule(deps),
  ];
}
