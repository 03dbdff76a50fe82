// Every service of services/* packaged once, each copied alone into a temporary folder and started there with
// the Dockerfile's CMD, production settings, PostgreSQL and Kafka, as a pod runs it: each must become ready.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { probePostgres } from "@gov/eventsourcing/testing/postgres";
import { probeKafka, useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumerGroupsOf } from "./consumer-groups.ts";
import { readDockerfile } from "./dockerfile.ts";
import { exposedNames, unknownMetrics } from "./observability.ts";
import { type PackagedService, packageService } from "./package.ts";
import { type PackagedPlatform, startPackaged } from "./packaged-platform.ts";
import { shippedServices } from "./services.ts";

const suite = "packaged services (out/<service>) on PostgreSQL and Kafka";
const run =
  useBackend("postgres", suite, await probePostgres()) && useBackend("kafka", suite, await probeKafka());
const services = shippedServices();

/** Every file under `dir` (relative paths), without following node_modules. */
function files(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

describe.skipIf(!run)(suite, () => {
  const outRoot = mkdtempSync(join(tmpdir(), "packaged-out-"));
  const packaged: PackagedService[] = [];
  let platform: PackagedPlatform | undefined;

  beforeAll(async () => {
    for (const s of services) packaged.push(await packageService(s, outRoot));
    platform = await startPackaged(outRoot, services);
  }, 600_000);

  afterAll(async () => {
    await platform?.stop();
    rmSync(outRoot, { recursive: true, force: true });
    // Eight folders of ~90 MB each (the OpenTelemetry SDK is in every one) to remove on a busy machine.
  }, 180_000);

  it("packages every service of services/*", () => {
    expect(packaged.map((p) => p.service)).toEqual(services.map((s) => s.name));
  });

  it("ships the bundle and production dependencies only: no workspace sources, no dev dependencies", () => {
    for (const p of packaged) {
      expect(readdirSync(p.dir).sort(), p.service).toEqual(["dist", "node_modules", "package.json"]);
      expect(
        files(join(p.dir, "dist")).filter((f) => f.endsWith(".ts")),
        p.service,
      ).toEqual([]);
      const modules = readdirSync(join(p.dir, "node_modules"));
      expect(modules, p.service).not.toContain("@gov");
      for (const dev of ["vitest", "fast-check", "esbuild", "testcontainers", "typescript", "@biomejs"]) {
        expect(modules, `${p.service} ships ${dev}`).not.toContain(dev);
      }
      for (const name of Object.keys(p.dependencies)) {
        expect(existsSync(join(p.dir, "node_modules", name, "package.json")), `${p.service}: ${name}`).toBe(
          true,
        );
      }
    }
  });

  it("starts each packaged folder on its own and every one answers /health/ready 200", async () => {
    const running = platform?.services ?? [];
    expect(running.map((r) => r.name).sort()).toEqual(services.map((s) => s.name).sort());
    for (const r of running) {
      const res = await fetch(`${r.url}/health/ready`);
      expect(res.status, r.name).toBe(200);
      expect((await fetch(`${r.url}/health/live`)).status, r.name).toBe(200);
    }
    // The figures the Kubernetes resource requests are based on (docs/operations.md).
    process.stdout.write(
      `packaged RSS after ready: ${running.map((r) => `${r.name} ${(r.rssBytes / 2 ** 20).toFixed(0)} MiB`).join(", ")}\n`,
    );
  });

  it("the gateway reaches every packaged service (its /openapi.json merges theirs)", async () => {
    const gateway = platform?.services.find((s) => s.name === "gateway");
    if (!gateway) throw new Error("no gateway started");
    const openapi = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as { paths: object };
    const paths = Object.keys(openapi.paths);
    for (const s of services.filter((x) => x.kind === "service")) {
      expect(
        paths.some((p) => p.startsWith(`/${s.name}/`)),
        s.name,
      ).toBe(true);
    }
  });

  it("the durable consumer groups each service reports on /metrics are the ones KEDA scales (consumer-groups.ts)", async () => {
    for (const r of platform?.services ?? []) {
      const metrics = await (await fetch(`${r.url}/metrics`)).text();
      const groups = [...metrics.matchAll(/^messaging_consumer_lag\{group="([^"]+)"\}/gm)]
        .map((m) => m[1] as string)
        .filter((g) => !g.includes(".ephemeral."))
        // A copy kept in SQL (startBusProjection) follows `<name>.b<build>.<token>`: a read model's group, not a
        // reaction's; its name changes with each build, so KEDA does not scale on it.
        .filter((g) => !/\.b\d+\.[0-9a-f]{8}$/.test(g));
      expect(groups.sort(), r.name).toEqual(
        consumerGroupsOf(r.name)
          .map((g) => g.group)
          .sort(),
      );
    }
  });

  it("the Grafana dashboard and the alert rules read only metrics the running services expose", async () => {
    const exposed = new Set<string>();
    for (const r of platform?.services ?? []) {
      for (const name of exposedNames(await (await fetch(`${r.url}/metrics`)).text())) exposed.add(name);
    }
    expect(exposed.has("service_ready")).toBe(true);
    expect(unknownMetrics(exposed)).toEqual([]);
  });

  it("every COPY source of the Dockerfile's runtime stage exists in every packaged folder", () => {
    const runtime = readDockerfile().stages.at(-1);
    const sources =
      runtime?.instructions.filter((i) => i.keyword === "COPY").map((i) => i.args[0] ?? "") ?? [];
    expect(sources.length).toBeGreaterThan(0);
    for (const p of packaged) {
      for (const source of sources) {
        const path = source.replace(`/workspace/out/\${SERVICE}`, join(outRoot, p.service));
        expect(existsSync(path), `${p.service}: ${source}`).toBe(true);
      }
    }
  });
});
