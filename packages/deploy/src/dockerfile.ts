// Reads infra/docker/Dockerfile with dockerfile-ast into what the tests check: stages, their base images (ARG
// defaults substituted), COPY instructions, and the runtime stage's USER, CMD, HEALTHCHECK and STOPSIGNAL.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import { repoRoot } from "./services.ts";

export const DOCKERFILE_PATH = join(repoRoot, "infra/docker/Dockerfile");

export interface Stage {
  name: string | undefined;
  image: string;
  instructions: { keyword: string; args: string[]; raw: string; flags: Record<string, string> }[];
}

export function readDockerfile(path = DOCKERFILE_PATH): { stages: Stage[]; args: Record<string, string> } {
  const dockerfile = DockerfileParser.parse(readFileSync(path, "utf8"));
  const args: Record<string, string> = {};
  for (const arg of dockerfile.getInitialARGs()) {
    const [name, value] = arg.getArgumentsContent()?.split("=") ?? [];
    if (name && value !== undefined) args[name] = value;
  }
  const substitute = (text: string) => text.replace(/\$\{(\w+)\}/g, (_, n: string) => args[n] ?? `\${${n}}`);
  const stages: Stage[] = [];
  for (const from of dockerfile.getFROMs()) {
    const image = substitute(from.getImage() ?? "");
    const stage: Stage = { name: from.getBuildStage() ?? undefined, image, instructions: [] };
    const range = from.getRange();
    const next = dockerfile.getFROMs().find((f) => f.getRange().start.line > range.start.line);
    for (const instruction of dockerfile.getInstructions()) {
      const line = instruction.getRange().start.line;
      if (line <= range.start.line || (next && line >= next.getRange().start.line)) continue;
      const flags: Record<string, string> = {};
      const withFlags = instruction as unknown as {
        getFlags?: () => { getName(): string; getValue(): string | null }[];
      };
      for (const flag of withFlags.getFlags?.() ?? []) flags[flag.getName()] = flag.getValue() ?? "";
      stage.instructions.push({
        keyword: instruction.getKeyword(),
        args: instruction.getArguments().map((a) => a.getValue()),
        raw: instruction.getArgumentsContent() ?? "",
        flags,
      });
    }
    stages.push(stage);
  }
  return { stages, args };
}

/** The exec form `["a", "b"]` of CMD or HEALTHCHECK … CMD as an array (the shell form is refused). */
export function execForm(raw: string): string[] {
  const parsed = JSON.parse(raw) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === "string")) {
    throw new Error(`not the exec form: ${raw}`);
  }
  return parsed;
}
