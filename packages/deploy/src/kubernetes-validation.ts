// Offline validation of rendered Kubernetes objects: the kubernetes-models schemas for the built-in kinds,
// @kubernetes-models/keda and @kubernetes-models/prometheus-operator for those CRDs, and the zod schemas of the
// fields used for Strimzi and CloudNativePG (no model packages exist for them on npm).
import { execFileSync } from "node:child_process";
import { parseAllDocuments } from "yaml";
import { cnpgClusterSchema, kafkaTopicSchema } from "./manifests/platform.ts";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered YAML, read by the tests field by field
  spec?: any;
  data?: Record<string, string>;
}

const INSTALL_KUBECTL =
  "kubectl (with its built-in kustomize) is needed to render k8s/: install it from https://kubernetes.io/docs/tasks/tools/ " +
  "(e.g. `curl -LO https://dl.k8s.io/release/v1.32.4/bin/linux/amd64/kubectl && install kubectl /usr/local/bin/`), " +
  "or the standalone `kustomize` 5.x";

/** `kubectl kustomize DIR` (offline), parsed. Throws with how to install kubectl when it is missing. */
export function render(dir: string): K8sObject[] {
  let text: string;
  try {
    text = execFileSync("kubectl", ["kustomize", dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw new Error(INSTALL_KUBECTL);
    throw new Error(`kubectl kustomize ${dir} failed: ${e.stderr ?? e.message}`);
  }
  return parseAllDocuments(text).map((d) => d.toJS() as K8sObject);
}

/** The model module of a built-in kind or a CRD with a model package, e.g. `apps/v1` + `Deployment`. */
function modelPath(apiVersion: string, kind: string): string | undefined {
  if (apiVersion.startsWith("keda.sh/")) return `@kubernetes-models/keda/${apiVersion}/${kind}`;
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  }
  if (apiVersion === "v1" || /^[a-z.]*(k8s\.io|apps|batch|policy|autoscaling)\/v\d/.test(apiVersion)) {
    return `kubernetes-models/${apiVersion}/${kind}`;
  }
  return undefined;
}

/** Every problem of `object` against its kind's schema (empty when valid). */
export async function validationProblems(object: K8sObject): Promise<string[]> {
  const what = `${object.kind}/${object.metadata?.name}`;
  if (object.apiVersion === "kafka.strimzi.io/v1beta2" && object.kind === "KafkaTopic") {
    const r = kafkaTopicSchema.safeParse(object);
    return r.success ? [] : r.error.issues.map((i) => `${what}: ${i.path.join(".")}: ${i.message}`);
  }
  if (object.apiVersion === "postgresql.cnpg.io/v1" && object.kind === "Cluster") {
    const r = cnpgClusterSchema.safeParse(object);
    return r.success ? [] : r.error.issues.map((i) => `${what}: ${i.path.join(".")}: ${i.message}`);
  }
  const path = modelPath(object.apiVersion, object.kind);
  if (!path) return [`${what}: no schema for ${object.apiVersion} ${object.kind}`];
  let Model: new (data: unknown) => { validate(): void };
  try {
    Model = (await import(path))[object.kind];
  } catch {
    return [`${what}: no model ${path}`];
  }
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [`${what}: ${error instanceof Error ? error.message : String(error)}`];
  }
}
