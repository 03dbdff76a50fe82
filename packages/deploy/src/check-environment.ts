// The check the compose file and the Kubernetes manifests share: does a deployment give a service every
// variable its zod configuration schema needs, only variables it knows, and values its own start-up check accepts?
import { loadCheckedConfig, runtimeProblems } from "@gov/runtime";
import { ConfigError, loadConfig } from "@gov/service-kit";
import { sourcesFor, type Topology } from "./environment.ts";
import { environmentOf, type ShippedService, variableNeed } from "./services.ts";

export interface EnvironmentFinding {
  service: string;
  variable: string;
  problem: string;
}

/**
 * Every problem of `env` (the values a deployment gives `service`, secrets filled in) against the service's
 * schema: a variable without a value that the schema neither defaults nor lets be absent for a stated reason, a
 * variable the schema does not read, and whatever the service's own configuration check refuses.
 */
export async function environmentFindings(
  service: ShippedService,
  all: readonly ShippedService[],
  topology: Topology,
  env: Record<string, string>,
): Promise<EnvironmentFinding[]> {
  const shape = await environmentOf(service);
  const sources = sourcesFor(service, all, topology);
  const findings: EnvironmentFinding[] = [];
  const add = (variable: string, problem: string) =>
    findings.push({ service: service.name, variable, problem });
  for (const [variable, schema] of Object.entries(shape)) {
    if (env[variable] !== undefined) continue;
    const need = variableNeed(schema);
    if (need === "required") add(variable, "required by the schema and given no value");
    else if (need === "optional" && sources[variable]?.kind !== "unset") {
      add(
        variable,
        "optional without a default: give it a value, or mark it unset with a reason (environment.ts)",
      );
    }
  }
  for (const variable of Object.keys(env)) {
    if (!(variable in shape)) add(variable, "set, but the service's configuration schema does not read it");
  }
  try {
    // The check each process runs at start-up: runService's (with the production checks) for a service, the
    // service kit's for the routing gateway (proxy-main.ts).
    if (service.kind === "service") loadCheckedConfig(env, shape, (c) => runtimeProblems(c as never));
    else loadConfig(env, shape);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const p of error.problems) add(p.variable, `refused at start-up: ${p.message}`);
  }
  return findings;
}

/** `${NAME:?message}`, `${NAME:-default}` and `${NAME}` filled in from `values` the way compose does. */
export function interpolate(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, op?: string, rest?: string) => {
    const value = values[name];
    if (value !== undefined && value !== "") return value;
    if (op === "-") return rest ?? "";
    throw new Error(`\${${name}} has no value${op === "?" ? `: ${rest}` : ""}`);
  });
}
