// k8s/base/<service>/: one service's workload, generated with the typed kubernetes-models (an unknown or
// misspelt field does not type-check; `validate()` checks types and required fields at test time).
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { INetworkPolicyEgressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule";
import type { INetworkPolicyPort } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Service } from "kubernetes-models/v1/Service";
import { consumerGroupsOf } from "../consumer-groups.ts";
import { kubernetesTopology, persistentVolumes, sourcesFor } from "../environment.ts";
import { CONTAINER_PORT, type ShippedService, START_COMMAND } from "../services.ts";
import { KAFKA_CLUSTER, POSTGRES_CLUSTER, topicObjectName } from "./platform.ts";

export const IMAGE_REGISTRY = "registry.example.gov.cn/gov-platform";
export const KAFKA_PARTITIONS = 3;

/**
 * Resources from measured figures (docs/operations.md, "Sizing"): a packaged service holds 135–141 MiB resident
 * once ready and idle (the gateway 108 MiB), measured by the packaged-services test; the limit leaves room for
 * load (the whole platform peaked at 356 MB RSS in bench:e2e, docs/performance.md).
 */
export const RESOURCES = {
  service: { requests: { cpu: "100m", memory: "192Mi" }, limits: { cpu: "1", memory: "512Mi" } },
  gateway: { requests: { cpu: "100m", memory: "160Mi" }, limits: { cpu: "1", memory: "384Mi" } },
} as const;

export const labelsOf = (service: ShippedService) => ({
  "app.kubernetes.io/name": service.name,
  "app.kubernetes.io/part-of": "gov-platform",
});

const selectorOf = (service: ShippedService) => ({ "app.kubernetes.io/name": service.name });

/** The ConfigMap's data and the env entries that read Secrets, from the deployment environment table. */
export function environmentOfPod(service: ShippedService, all: readonly ShippedService[]) {
  const data: Record<string, string> = {};
  const secretEnv: IEnvVar[] = [];
  for (const [name, source] of Object.entries(sourcesFor(service, all, kubernetesTopology))) {
    if (source.kind === "config") data[name] = source.value;
    else if (source.kind === "secret") {
      secretEnv.push({ name, valueFrom: { secretKeyRef: { name: source.secret, key: source.key } } });
    }
  }
  return { data, secretEnv };
}

const httpProbe = (path: string, periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path, port: "http" },
  periodSeconds,
  failureThreshold,
  timeoutSeconds: 3,
});

export function workloadObjects(service: ShippedService, all: readonly ShippedService[]) {
  const name = service.name;
  const labels = labelsOf(service);
  const { data, secretEnv } = environmentOfPod(service, all);
  const gateway = service.kind === "gateway";
  const groups = consumerGroupsOf(name);
  // Files a service keeps (approval's seal keyring): a claim shared by its replicas (ReadWriteMany).
  const volumes = persistentVolumes[name] ?? [];
  const configMap = new ConfigMap({ metadata: { name: `${name}-config`, labels }, data });
  const deployment = new Deployment({
    metadata: { name, labels },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorOf(service) },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 30,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name,
              image: `${IMAGE_REGISTRY}/${name}:latest`,
              imagePullPolicy: "IfNotPresent",
              command: [...START_COMMAND],
              workingDir: "/app",
              ports: [{ name: "http", containerPort: CONTAINER_PORT, protocol: "TCP" }],
              envFrom: [{ configMapRef: { name: `${name}-config` } }],
              env: secretEnv,
              resources: gateway ? RESOURCES.gateway : RESOURCES.service,
              startupProbe: httpProbe("/health/live", 2, 60),
              livenessProbe: httpProbe("/health/live", 10, 3),
              readinessProbe: httpProbe("/health/ready", 5, 3),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: [
                { name: "tmp", mountPath: "/tmp" },
                ...volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })),
              ],
            },
          ],
          volumes: [
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            ...volumes.map((v) => ({
              name: v.name,
              persistentVolumeClaim: { claimName: `${name}-${v.name}` },
            })),
          ],
        },
      },
    },
  });
  const svc = new Service({
    metadata: { name, labels },
    spec: {
      selector: selectorOf(service),
      ports: [{ name: "http", port: CONTAINER_PORT, targetPort: "http", protocol: "TCP" }],
    },
  });
  const pdb = new PodDisruptionBudget({
    metadata: { name, labels },
    spec: { minAvailable: 1, selector: { matchLabels: selectorOf(service) } },
  });
  const scraper = {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
    podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
  };
  const dns: INetworkPolicyEgressRule = {
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
    ports: [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ],
  };
  const http: INetworkPolicyPort[] = [{ protocol: "TCP", port: CONTAINER_PORT }];
  const networkPolicy = new NetworkPolicy({
    metadata: { name, labels },
    spec: {
      podSelector: { matchLabels: selectorOf(service) },
      policyTypes: ["Ingress", "Egress"],
      ingress: gateway
        ? [
            {
              from: [
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
                scraper,
              ],
              ports: http,
            },
          ]
        : [
            {
              from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "gateway" } } }, scraper],
              ports: http,
            },
          ],
      egress: gateway
        ? [
            {
              to: all
                .filter((s) => s.kind === "service")
                .map((s) => ({ podSelector: { matchLabels: selectorOf(s) } })),
              ports: http,
            },
            dns,
          ]
        : [
            {
              to: [{ podSelector: { matchLabels: { "strimzi.io/cluster": KAFKA_CLUSTER } } }],
              ports: [{ protocol: "TCP", port: 9092 }],
            },
            {
              to: [{ podSelector: { matchLabels: { "cnpg.io/cluster": POSTGRES_CLUSTER } } }],
              ports: [{ protocol: "TCP", port: 5432 }],
            },
            dns,
          ],
    },
  });
  const serviceMonitor = new ServiceMonitor({
    metadata: { name, labels },
    spec: {
      selector: { matchLabels: selectorOf(service) },
      endpoints: [{ port: "http", path: "/metrics", interval: "30s" }],
    },
  });
  const objects: { file: string; object: { toJSON(): unknown } }[] = [
    { file: "configmap.yaml", object: configMap },
    { file: "deployment.yaml", object: deployment },
    { file: "service.yaml", object: svc },
    { file: "pdb.yaml", object: pdb },
    { file: "networkpolicy.yaml", object: networkPolicy },
    { file: "servicemonitor.yaml", object: serviceMonitor },
    ...volumes.map((v) => ({
      file: `pvc-${v.name}.yaml`,
      object: new PersistentVolumeClaim({
        metadata: { name: `${name}-${v.name}`, labels },
        spec: { accessModes: ["ReadWriteMany"], resources: { requests: { storage: v.size } } },
      }),
    })),
  ];
  if (groups.length > 0) {
    // One ScaledObject per Deployment (KEDA allows no more), with a trigger per durable consumer group and topic
    // (the Kafka scaler reads one topic per trigger; KEDA scales to the highest of them).
    objects.push({
      file: "scaledobject.yaml",
      object: new ScaledObject({
        metadata: { name, labels },
        spec: {
          scaleTargetRef: { name },
          minReplicaCount: 2,
          // More consumers than partitions would sit idle: capped at the topics' partition count.
          maxReplicaCount: KAFKA_PARTITIONS,
          triggers: groups.flatMap((g) =>
            g.topics.map((topic) => ({
              type: "kafka",
              name: `${g.group}-${topicObjectName(topic)}`,
              metadata: {
                bootstrapServers: kubernetesTopology.kafkaBrokers,
                consumerGroup: g.group,
                topic,
                lagThreshold: "100",
                // Never more consumers than the topic's partitions (the default, stated).
                allowIdleConsumers: "false",
                offsetResetPolicy: "earliest",
              },
            })),
          ),
        },
      }),
    });
  }
  if (gateway) {
    objects.push({
      file: "ingress.yaml",
      object: new Ingress({
        metadata: { name, labels },
        spec: {
          ingressClassName: "nginx",
          rules: [
            {
              host: "gov.example.gov.cn",
              http: {
                paths: [
                  { path: "/", pathType: "Prefix", backend: { service: { name, port: { name: "http" } } } },
                ],
              },
            },
          ],
        },
      }),
    });
  }
  return objects;
}
