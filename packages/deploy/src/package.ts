// Packages one service (or all) as a self-contained folder out/<service>/ that runs with `node dist/main.js`:
// - dist/main.js: the service's entry point with the workspace packages (@gov/*, TypeScript) bundled by esbuild;
//   Node strips types only outside node_modules, so a folder with @gov/* copied into node_modules would not load;
// - dist/telemetry.js: the tracing entry (`node --import`, packages/telemetry/src/register.ts), bundled alike;
// - node_modules/: the production dependencies only, from `pnpm deploy --prod` (the workspace lockfile's
//   versions, hoisted); third-party packages stay unbundled and run as published;
// - package.json: the third-party packages the bundle imports, with their versions, and `npm start`.
// Usage: node packages/deploy/src/package.ts <service>… | --all   [--out DIR]   (scripts/package wraps it)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";
import {
  repoRoot,
  type ShippedService,
  START_COMMAND,
  shippedServices,
  TELEMETRY_ENTRY,
} from "./services.ts";

export interface PackagedService {
  service: string;
  dir: string;
  /** Third-party packages the bundle imports, with the version installed beside it. */
  dependencies: Record<string, string>;
  bundleBytes: number;
}

/** Bare imports outside the workspace stay imports: their packages are installed in node_modules/. */
const thirdPartyExternal: Plugin = {
  name: "third-party-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@gov/")) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; `node:fs` → undefined. */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith("node:")) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function pnpmCommand(): string {
  const local = join(repoRoot, ".tools/pnpm/node_modules/.bin/pnpm");
  return existsSync(local) ? local : "pnpm";
}

export async function packageService(
  service: ShippedService,
  outRoot = join(repoRoot, "out"),
): Promise<PackagedService> {
  const out = join(outRoot, service.name);
  const staging = mkdtempSync(join(tmpdir(), `package-${service.name}-`));
  try {
    // Production dependencies only, resolved from the workspace lockfile, in a flat node_modules.
    execFileSync(
      pnpmCommand(),
      [
        "--filter",
        service.packageName,
        "deploy",
        "--prod",
        "--config.node-linker=hoisted",
        "--config.confirmModulesPurge=false",
        join(staging, "deployed"),
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "true" } },
    );
    const result = await build({
      entryPoints: { main: join(service.dir, service.entry), telemetry: TELEMETRY_ENTRY },
      outdir: join(staging, "dist"),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node24",
      sourcemap: "linked",
      metafile: true,
      legalComments: "none",
      logLevel: "silent",
      plugins: [thirdPartyExternal],
    });
    const modules = join(staging, "deployed/node_modules");
    const dependencies: Record<string, string> = {};
    for (const output of Object.values(result.metafile.outputs)) {
      for (const imported of output.imports) {
        if (!imported.external) continue;
        const name = packageNameOf(imported.path);
        if (!name) continue;
        const manifest = join(modules, name, "package.json");
        if (!existsSync(manifest)) {
          throw new Error(
            `${service.name}: the bundle imports ${imported.path}, which is not among its production dependencies`,
          );
        }
        dependencies[name] = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
      }
    }
    // The workspace packages are inside the bundle: their TypeScript copies are not shipped.
    rmSync(join(modules, "@gov"), { recursive: true, force: true });
    rmSync(join(modules, ".modules.yaml"), { force: true });
    rmSync(join(modules, ".pnpm"), { recursive: true, force: true });
    writeFileSync(
      join(staging, "package.json"),
      `${JSON.stringify(
        {
          name: service.packageName,
          private: true,
          version: "0.0.0",
          type: "module",
          description: `${service.name}, packaged by scripts/package: start with \`${START_COMMAND.join(" ")}\``,
          scripts: { start: START_COMMAND.join(" ") },
          engines: { node: ">=24.11.0" },
          dependencies: Object.fromEntries(
            Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b)),
          ),
        },
        null,
        2,
      )}\n`,
    );
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    renameSync(join(staging, "dist"), join(out, "dist"));
    renameSync(modules, join(out, "node_modules"));
    renameSync(join(staging, "package.json"), join(out, "package.json"));
    return {
      service: service.name,
      dir: out,
      dependencies,
      bundleBytes: readFileSync(join(out, "dist/main.js")).byteLength,
    };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf("--out");
  const outRoot = outAt >= 0 ? resolve(args[outAt + 1] ?? "out") : join(repoRoot, "out");
  const names = args.filter((a, i) => !a.startsWith("--") && i !== outAt + 1);
  const all = shippedServices();
  const chosen = args.includes("--all") ? all : all.filter((s) => names.includes(s.name));
  const unknown = names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0 || chosen.length === 0) {
    process.stderr.write(
      `usage: scripts/package <service>… | --all [--out DIR]\nservices: ${all.map((s) => s.name).join(", ")}\n`,
    );
    process.exit(2);
  }
  for (const service of chosen) {
    const packaged = await packageService(service, outRoot);
    process.stdout.write(
      `${packaged.service}: ${packaged.dir} (dist/main.js ${(packaged.bundleBytes / 1024).toFixed(0)} KiB, ${Object.keys(packaged.dependencies).length} packages imported)\n`,
    );
  }
}
