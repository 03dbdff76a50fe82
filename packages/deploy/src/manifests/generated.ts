// Every generated deployment file, by path relative to the repository root.
import { shippedServices } from "../services.ts";
import { composeFile } from "./compose.ts";
import { kubernetesFiles } from "./kubernetes.ts";

export async function generatedFiles(): Promise<Record<string, string>> {
  const services = shippedServices();
  return {
    "infra/docker-compose.yml": composeFile(services),
    ...kubernetesFiles(services),
  };
}
