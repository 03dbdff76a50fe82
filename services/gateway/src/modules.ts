import type { ServiceModule } from "@gov/service-kit";

/**
 * The services mounted in embedded mode, each under its own prefix. A domain service joins the platform by
 * adding its module here (e.g. `mattersModule(deps)`).
 */
export function embeddedModules(): ServiceModule[] {
  return [];
}
