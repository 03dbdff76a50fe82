import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { execForm, readDockerfile } from "./dockerfile.ts";
import { CONTAINER_PORT, repoRoot, START_COMMAND } from "./services.ts";

const { stages } = readDockerfile();
const runtime = stages.at(-1);
const instructions = (keyword: string) => runtime?.instructions.filter((i) => i.keyword === keyword) ?? [];

describe("infra/docker/Dockerfile", () => {
  it("is multi-stage, every stage on Node 24 slim", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toBe("node:24-slim");
  });

  it("builds the artifact with the packager the CI test runs, from the lockfile", () => {
    const build = stages[0];
    const runs = build?.instructions.filter((i) => i.keyword === "RUN").map((i) => i.raw) ?? [];
    expect(runs.join("\n")).toContain("pnpm install --frozen-lockfile");
    expect(runs.join("\n")).toContain(`node packages/deploy/src/package.ts "\${SERVICE}"`);
  });

  it("copies into the runtime stage only what the packager produced (no sources, no dev dependencies)", () => {
    const copies = instructions("COPY").concat(instructions("ADD"));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      expect(copy.keyword).toBe("COPY");
      expect(copy.flags.from).toBe(stages[0]?.name);
      expect(copy.args[0]).toMatch(/^\/workspace\/out\/\$\{SERVICE\}\//);
    }
    expect(copies.map((c) => c.args[0]?.replace(`/workspace/out/\${SERVICE}/`, "")).sort()).toEqual([
      "dist",
      "node_modules",
      "package.json",
    ]);
  });

  it("runs as the unprivileged node user, stops on SIGTERM, and checks /health/live", () => {
    expect(instructions("USER").at(-1)?.args[0]).toBe("node");
    expect(instructions("STOPSIGNAL").map((i) => i.raw)).toEqual(["SIGTERM"]);
    const [healthcheck] = instructions("HEALTHCHECK");
    const command = healthcheck?.raw.slice(healthcheck.raw.indexOf("CMD") + 3).trim() ?? "";
    expect(execForm(command).join(" ")).toContain(`http://127.0.0.1:${CONTAINER_PORT}/health/live`);
    expect(
      instructions("ENV")
        .map((i) => i.raw)
        .join(" "),
    ).toContain(`PORT=${CONTAINER_PORT}`);
  });

  it("starts with the same command as the tested packaged folder", () => {
    const [cmd] = instructions("CMD");
    expect(execForm(cmd?.raw ?? "")).toEqual([...START_COMMAND]);
    expect(instructions("WORKDIR").at(-1)?.raw).toBe("/app");
  });

  it("leaves out of the build context what the host built or installed", () => {
    const ignored = readFileSync(join(repoRoot, ".dockerignore"), "utf8").split("\n");
    for (const entry of ["**/node_modules", ".tools", ".data", "out", ".git"])
      expect(ignored).toContain(entry);
    expect(existsSync(join(repoRoot, "pnpm-lock.yaml"))).toBe(true);
  });
});
