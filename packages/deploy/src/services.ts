// Which services ship, and what each one reads from its environment. Everything here iterates over services/*,
// so that a service added there is packaged, containerised and deployed without a list to update.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { runtimeConfig } from "@gov/runtime";
import { kitConfigSchema } from "@gov/service-kit";
import type { z } from "zod";

export const repoRoot = resolve(import.meta.dirname, "../../..");

/**
 * The command a packaged service starts with, in its own folder: the CI test runs it, the Dockerfile's CMD and
 * the Kubernetes Deployments too. `--import ./dist/telemetry.js` runs the tracing entry first
 * (packages/telemetry/src/register.ts): it starts OpenTelemetry only when `OTEL_TRACES_EXPORTER` names an
 * exporter, and loads nothing otherwise. `--max-semi-space-size=16` caps V8's young generation at 16 MiB a
 * semi-space (V8's default on 64-bit before Node sized it from the machine's memory): under load the larger
 * default kept ~100 MB of extra heap resident with no throughput to show for it (docs/operations.md, "Memory").
 */
export const START_COMMAND = [
  "node",
  "--max-semi-space-size=16",
  "--import",
  "./dist/telemetry.js",
  "dist/main.js",
] as const;

/** The tracing entry bundled beside each service's entry point (`dist/telemetry.js`). */
export const TELEMETRY_ENTRY = join(repoRoot, "packages/telemetry/src/register.ts");

/** The port every packaged service listens on inside its container or pod (`PORT`). */
export const CONTAINER_PORT = 8080;

export interface ShippedService {
  /** The folder name under services/, also the image, Deployment and DNS name. */
  name: string;
  /** The npm package name, e.g. `@gov/credit`. */
  packageName: string;
  dir: string;
  /** The process's entry point relative to `dir`: `deploy.entry` in its package.json, else `src/main.ts`. */
  entry: string;
  /** `runService` services: their own stream categories, a relay, consumers. The gateway only routes. */
  kind: "service" | "gateway";
}

/** Every folder of services/ with a package.json and an entry point, in name order. */
export function shippedServices(root = repoRoot): ShippedService[] {
  const base = join(root, "services");
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(base, d.name, "package.json")))
    .map((d) => {
      const dir = join(base, d.name);
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name: string;
        deploy?: { entry?: string };
      };
      const entry = pkg.deploy?.entry ?? "src/main.ts";
      return {
        name: d.name,
        packageName: pkg.name,
        dir,
        entry,
        kind: d.name === "gateway" ? ("gateway" as const) : ("service" as const),
      };
    })
    .filter((s) => existsSync(join(s.dir, s.entry)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export type EnvironmentShape = Record<string, z.ZodType>;

/**
 * The variables a service's process reads: the service kit's, plus `environment` exported by
 * `services/<name>/src/config.ts` when it has one, else the runtime's (what `runService` reads).
 */
export async function environmentOf(service: ShippedService): Promise<EnvironmentShape> {
  const own = join(service.dir, "src/config.ts");
  let extra: EnvironmentShape = runtimeConfig;
  if (existsSync(own)) {
    const mod = (await import(pathToFileURL(own).href)) as { environment?: EnvironmentShape };
    if (!mod.environment) throw new Error(`${own} must export \`environment\` (a zod shape)`);
    extra = mod.environment;
  }
  return { ...kitConfigSchema.shape, ...extra };
}

/** What a variable of the schema needs: a value always (`required`), or none because zod has a default or it is optional. */
export function variableNeed(schema: z.ZodType): "required" | "defaulted" | "optional" {
  if (!schema.safeParse(undefined).success) return "required";
  const parsed = schema.safeParse(undefined);
  return parsed.success && parsed.data !== undefined ? "defaulted" : "optional";
}
