import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { environmentFindings, interpolate } from "./check-environment.ts";
import { composeTopology } from "./environment.ts";
import { productionSecrets } from "./packaged-platform.ts";
import { repoRoot, shippedServices } from "./services.ts";

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
  cap_drop?: string[];
  stop_signal?: string;
}

const composePath = join(repoRoot, "infra/docker-compose.yml");
const compose = parse(readFileSync(composePath, "utf8")) as { services: Record<string, ComposeService> };
const services = shippedServices();
const secrets = { ...productionSecrets(), POSTGRES_PASSWORD: "a-password" };

describe("infra/docker-compose.yml", () => {
  it("runs Kafka in KRaft mode and PostgreSQL, each with a healthcheck", () => {
    const kafka = compose.services.kafka;
    expect(kafka?.environment?.KAFKA_PROCESS_ROLES?.split(",")).toContain("controller");
    expect(Object.keys(kafka?.environment ?? {}).some((k) => k.includes("ZOOKEEPER"))).toBe(false);
    expect(kafka?.healthcheck?.test.join(" ")).toContain("kafka-broker-api-versions");
    expect(compose.services.postgres?.healthcheck?.test.join(" ")).toContain("pg_isready");
  });

  it("has every service of services/* (and nothing else), each built from the one Dockerfile", () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ["kafka", "postgres", ...services.map((s) => s.name)].sort(),
    );
    for (const s of services) {
      const c = compose.services[s.name];
      expect(c?.build?.args?.SERVICE, s.name).toBe(s.name);
      expect(
        existsSync(join(repoRoot, "infra", c?.build?.context ?? "", c?.build?.dockerfile ?? "")),
        s.name,
      ).toBe(true);
      expect(c?.read_only, s.name).toBe(true);
      expect(c?.cap_drop, s.name).toEqual(["ALL"]);
      expect(c?.stop_signal, s.name).toBe("SIGTERM");
    }
  });

  it("starts services after Kafka and PostgreSQL are healthy, and the gateway after every service", () => {
    for (const s of services) {
      const c = compose.services[s.name];
      expect(c?.healthcheck?.test.join(" "), s.name).toContain("/health/ready");
      const needs =
        s.kind === "gateway"
          ? services.filter((o) => o.kind === "service").map((o) => o.name)
          : ["kafka", "postgres"];
      for (const n of needs)
        expect(c?.depends_on?.[n]?.condition, `${s.name} → ${n}`).toBe("service_healthy");
    }
  });

  it("gives every variable of each service's config schema a value or a default, and values its start-up check accepts", async () => {
    for (const s of services) {
      const raw = compose.services[s.name]?.environment ?? {};
      const env = Object.fromEntries(
        Object.entries(raw).map(([k, v]) => [k, interpolate(String(v), secrets)]),
      );
      expect(await environmentFindings(s, services, composeTopology, env)).toEqual([]);
    }
  });

  it("the check finds a required variable without a value and a variable the schema does not read", async () => {
    const gateway = services.find((s) => s.kind === "gateway");
    if (!gateway) throw new Error("no gateway among services/*");
    const findings = await environmentFindings(gateway, services, composeTopology, {
      NODE_ENV: "production",
      AUTH_JWT_SECRET: secrets.AUTH_JWT_SECRET,
      OTEL_SERVICE_NAME: "gateway",
      UPSTREAMX: "typo",
    });
    expect(findings.map((f) => f.variable).sort()).toEqual(["UPSTREAMS", "UPSTREAMS", "UPSTREAMX"]);
  });

  it("refuses a secret left unset, as compose does", () => {
    expect(() => interpolate(`\${AUTH_JWT_SECRET:?set it}`, {})).toThrow(/set it/);
    expect(interpolate(`\${GATEWAY_PORT:-8080}:8080`, {})).toBe("8080:8080");
  });
});
