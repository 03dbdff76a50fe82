import type { EventStore } from "@gov/eventsourcing";
import { mattersModule } from "@gov/matters";
import type { EventBus } from "@gov/messaging";
import type { ServiceModule } from "@gov/service-kit";

/**
 * The services mounted in embedded mode, each under its own prefix, all on one event store. A domain
 * service joins the platform by adding its module here.
 */
export function embeddedModules(deps: { store: EventStore; bus: EventBus }): ServiceModule[] {
  return [mattersModule(deps)];
}
