// Renders every overlay with `kubectl kustomize` (offline) and checks every object against its schema, every
// service's config variables against its zod schema, and the topics against the contracts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { allTopics } from "@gov/contracts";
import { deadLetterTopic } from "@gov/messaging";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { environmentFindings } from "./check-environment.ts";
import { consumerGroupsOf } from "./consumer-groups.ts";
import { kubernetesTopology } from "./environment.ts";
import { type K8sObject, render, validationProblems } from "./kubernetes-validation.ts";
import { productionSecrets } from "./packaged-platform.ts";
import { repoRoot, shippedServices } from "./services.ts";

const services = shippedServices();
const overlays = readdirSync(join(repoRoot, "k8s/overlays"));
const secrets: Record<string, string> = {
  ...productionSecrets(),
  uri: "postgresql://app:password@gov-event-store-rw:5432/app",
};

const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

describe.each(overlays)("k8s/overlays/%s rendered with kubectl kustomize", (overlay) => {
  const objects = render(join(repoRoot, "k8s/overlays", overlay));

  it("every object is valid against its schema", async () => {
    expect(objects.length).toBeGreaterThan(services.length * 6);
    const problems = (await Promise.all(objects.map(validationProblems))).flat();
    expect(problems).toEqual([]);
  });

  it.each(services.map((s) => [s.name, s] as const))(
    "%s: Deployment with probes, resources and a locked-down pod",
    (name) => {
      const deployment = find(objects, "Deployment", name);
      const container = deployment?.spec.template.spec.containers[0];
      expect(container?.livenessProbe.httpGet.path).toBe("/health/live");
      expect(container?.readinessProbe.httpGet.path).toBe("/health/ready");
      expect(container?.startupProbe.httpGet.path).toBe("/health/live");
      expect(container?.resources.requests.memory).toMatch(/Mi$/);
      expect(container?.resources.limits.memory).toMatch(/Mi$/);
      expect(container?.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      });
      expect(deployment?.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      for (const kind of ["Service", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor"]) {
        expect(find(objects, kind, name), `${kind}/${name}`).toBeDefined();
      }
    },
  );

  it.each(services.map((s) => [s.name, s] as const))(
    "%s: every config variable has a value the service accepts",
    async (_, service) => {
      const container = find(objects, "Deployment", service.name)?.spec.template.spec.containers[0];
      const env: Record<string, string> = {};
      for (const from of container?.envFrom ?? []) {
        const configMap = find(objects, "ConfigMap", from.configMapRef.name);
        if (!configMap) throw new Error(`ConfigMap ${from.configMapRef.name} is not among the manifests`);
        Object.assign(env, configMap.data);
      }
      for (const e of container?.env ?? []) {
        const key = e.valueFrom?.secretKeyRef?.key;
        const value = e.value ?? (key ? secrets[key] : undefined);
        if (value === undefined) throw new Error(`${e.name}: neither a value nor a known secret key`);
        env[e.name] = value;
      }
      expect(await environmentFindings(service, services, kubernetesTopology, env)).toEqual([]);
    },
  );

  it("declares a KafkaTopic for every topic of the contracts and every durable group's dead letters", () => {
    const declared = new Set(objects.filter((o) => o.kind === "KafkaTopic").map((o) => o.spec.topicName));
    const groups = services.flatMap((s) => consumerGroupsOf(s.name));
    for (const topic of [...allTopics, ...groups.map((g) => deadLetterTopic(g.group))]) {
      expect(declared.has(topic), topic).toBe(true);
    }
  });

  it("scales each durable consumer group on its lag, never past the partitions of its topics", () => {
    for (const service of services) {
      const groups = consumerGroupsOf(service.name);
      const scaled = find(objects, "ScaledObject", service.name);
      if (groups.length === 0) {
        expect(scaled, service.name).toBeUndefined();
        continue;
      }
      expect(scaled?.spec.scaleTargetRef.name).toBe(service.name);
      for (const g of groups) {
        for (const topic of g.topics) {
          // The Kafka scaler reads one topic per trigger.
          const trigger = scaled?.spec.triggers.find(
            (t: { metadata: { consumerGroup: string; topic: string } }) =>
              t.metadata.consumerGroup === g.group && t.metadata.topic === topic,
          );
          expect(trigger?.type, `${g.group} on ${topic}`).toBe("kafka");
          expect(trigger?.metadata.allowIdleConsumers).toBe("false");
          const partitions = objects.find((o) => o.kind === "KafkaTopic" && o.spec.topicName === topic)?.spec
            .partitions;
          expect(scaled?.spec.maxReplicaCount, `${g.group} on ${topic}`).toBeLessThanOrEqual(partitions);
        }
      }
    }
  });

  it("exposes the gateway through an Ingress, and no other service", () => {
    const ingresses = objects.filter((o) => o.kind === "Ingress");
    const backends = ingresses.flatMap((i) =>
      i.spec.rules.flatMap((r: { http: { paths: { backend: { service: { name: string } } }[] } }) =>
        r.http.paths.map((p) => p.backend.service.name),
      ),
    );
    expect([...new Set(backends)]).toEqual(["gateway"]);
  });
});

describe("k8s overlays", () => {
  it("only replace values the base has (an overlay adds no field the schemas did not check)", () => {
    const base = render(join(repoRoot, "k8s/base"));
    for (const overlay of overlays) {
      const k = parse(readFileSync(join(repoRoot, "k8s/overlays", overlay, "kustomization.yaml"), "utf8"));
      for (const p of k.patches ?? []) {
        const targets = base.filter(
          (o) => o.kind === p.target.kind && (!p.target.name || o.metadata.name === p.target.name),
        );
        expect(targets.length, `${overlay}: ${JSON.stringify(p.target)}`).toBeGreaterThan(0);
        for (const op of parse(p.patch) as { op: string; path: string }[]) {
          expect(op.op).toBe("replace");
          for (const t of targets) {
            const value = op.path
              .split("/")
              .slice(1)
              .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], t);
            expect(value, `${overlay}: ${t.kind}/${t.metadata.name} ${op.path}`).toBeDefined();
          }
        }
      }
    }
  });

  it("the validation refuses a wrong type, a missing required field and an unknown Strimzi field", async () => {
    const bad = (o: object) => validationProblems(o as K8sObject);
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "x" },
      spec: {
        replicas: "two",
        selector: { matchLabels: { a: "b" } },
        template: { spec: { containers: [] } },
      },
    };
    expect((await bad(deployment)).join()).toMatch(/replicas/);
    expect(
      (
        await bad({ apiVersion: "v1", kind: "Service", metadata: { name: "x" }, spec: { ports: [{}] } })
      ).join(),
    ).toMatch(/port/);
    const topic = {
      apiVersion: "kafka.strimzi.io/v1beta2",
      kind: "KafkaTopic",
      metadata: { name: "t", labels: { "strimzi.io/cluster": "c" } },
      spec: {
        topicName: "t",
        partitions: 3,
        replicas: 1,
        config: { "retention.ms": "-1", "cleanup.policy": "delete" },
        partitons: 3,
      },
    };
    expect((await bad(topic)).join()).toMatch(/partitons/);
    expect(
      (await bad({ apiVersion: "example.com/v1", kind: "Thing", metadata: { name: "x" } })).join(),
    ).toMatch(/no schema/);
  });
});
