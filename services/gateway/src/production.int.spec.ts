// Finding 1 of the attacker's probe: production protects itself. The embedded platform's main and a service's
// main (runService) run the same production checks (`productionProblems` in @gov/runtime).
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEVELOPMENT_AUDIT_KEY } from "@gov/runtime";
import { DEVELOPMENT_SECRET } from "@gov/service-kit";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const mains = {
  "embedded gateway": join(root, "services/gateway/src/main.ts"),
  "matters service": join(root, "services/matters/src/main.ts"),
  "credit service": join(root, "services/credit/src/main.ts"),
  "intake service": join(root, "services/intake/src/main.ts"),
  "approval service": join(root, "services/approval/src/main.ts"),
  "audit service": join(root, "services/audit/src/main.ts"),
  "exchange service": join(root, "services/exchange/src/main.ts"),
  "review-and-monitor service": join(root, "services/review-and-monitor/src/main.ts"),
};
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const devKey = (purpose: "index" | "master") =>
  createHash("sha256").update(`gov-platform development PII ${purpose} key`).digest("hex");
/** A production environment that passes every check. */
const good = () => {
  const dir = mkdtempSync(join(tmpdir(), "production-"));
  dirs.push(dir);
  return {
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dir,
    EVENT_STORE: "sqlite",
    EVENT_BUS: "embedded",
    AUTH_JWT_SECRET: randomBytes(36).toString("base64"),
    PII_INDEX_KEY: randomBytes(32).toString("hex"),
    PII_MASTER_KEY: randomBytes(32).toString("base64"),
    AUDIT_SIGNING_KEY: generateKeyPairSync("ed25519")
      .privateKey.export({ type: "pkcs8", format: "der" })
      .toString("base64"),
    SEAL_KEYRING_DIR: join(dir, "seal-keys"),
    SEAL_KEYRING_PASSPHRASE: randomBytes(36).toString("base64"),
    REVIEW_SAMPLING_SEED: randomBytes(32).toString("hex"),
  };
};

function run(main: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** Starts `main` with `env` and expects it to refuse: exit code ≠ 0, every variable named, no stack trace. */
async function refuses(main: string, env: Record<string, string>, variables: string[]) {
  const p = run(main, env);
  const code = await p.exited;
  expect(code).not.toBe(0);
  expect(code).not.toBeNull();
  for (const variable of variables) expect(p.stderr()).toMatch(new RegExp(`^  ${variable}: `, "m"));
  expect(p.stderr()).not.toMatch(/\n\s+at /); // no stack trace
  expect(p.stderr()).toMatch(/refusing to start/);
  return p.stderr();
}

describe.each(Object.entries(mains))("finding 1 (production protects itself): the %s", (_name, main) => {
  it("refuses CLOCK=adjustable, and a clock set off the system's (CLOCK_OFFSET_MS)", async () => {
    await refuses(main, { ...good(), CLOCK: "adjustable", CLOCK_OFFSET_MS: "86400000" }, [
      "CLOCK",
      "CLOCK_OFFSET_MS",
    ]);
  });

  it("refuses the published development secret, PII keys and audit signing key", async () => {
    const stderr = await refuses(
      main,
      {
        ...good(),
        AUTH_JWT_SECRET: DEVELOPMENT_SECRET,
        PII_INDEX_KEY: devKey("index"),
        PII_MASTER_KEY: Buffer.from(devKey("master"), "hex").toString("base64"),
        AUDIT_SIGNING_KEY: DEVELOPMENT_AUDIT_KEY,
      },
      ["AUTH_JWT_SECRET", "PII_INDEX_KEY", "PII_MASTER_KEY", "AUDIT_SIGNING_KEY"],
    );
    expect(stderr).toMatch(/development/);
  });

  it("refuses weak secrets: a repeated-character HS256 secret, PII keys of one repeated byte or the wrong length", async () => {
    await refuses(
      main,
      {
        ...good(),
        AUTH_JWT_SECRET: "s".repeat(40),
        PII_INDEX_KEY: "0".repeat(64),
        PII_MASTER_KEY: randomBytes(16).toString("hex"),
      },
      ["AUTH_JWT_SECRET", "PII_INDEX_KEY", "PII_MASTER_KEY"],
    );
    await refuses(main, { ...good(), AUTH_JWT_SECRET: "short-but-varied-1234" }, ["AUTH_JWT_SECRET"]);
  });

  it("names every problem at once, a missing key and a malformed variable included", async () => {
    const { PII_MASTER_KEY: _absent, ...env } = good();
    await refuses(
      main,
      { ...env, CLOCK: "adjustable", AUTH_JWT_SECRET: DEVELOPMENT_SECRET, PORT: "eighty" },
      ["PORT", "CLOCK", "AUTH_JWT_SECRET", "PII_MASTER_KEY"],
    );
  });
});

describe("finding 1 (production protects itself): the 告知承诺 sampling seed", () => {
  for (const main of [mains["embedded gateway"], mains["review-and-monitor service"]]) {
    it(`${main.split("/services/")[1]} refuses a missing, published or short REVIEW_SAMPLING_SEED`, async () => {
      const { REVIEW_SAMPLING_SEED: _s, ...env } = good();
      await refuses(main, env, ["REVIEW_SAMPLING_SEED"]);
      await refuses(main, { ...env, REVIEW_SAMPLING_SEED: "gov-review-and-monitor-promise-sampling" }, [
        "REVIEW_SAMPLING_SEED",
      ]);
      await refuses(main, { ...env, REVIEW_SAMPLING_SEED: "short" }, ["REVIEW_SAMPLING_SEED"]);
    });
  }
});

describe("finding 1 (production protects itself): the distributed gateway", () => {
  const proxy = join(root, "services/gateway/src/proxy-main.ts");
  const upstreams = { UPSTREAMS: "intake=http://127.0.0.1:1" };
  it("refuses the development or a weak token secret and an adjustable clock, naming each", async () => {
    const { PII_INDEX_KEY: _i, PII_MASTER_KEY: _m, ...env } = good();
    await refuses(proxy, { ...env, ...upstreams, AUTH_JWT_SECRET: DEVELOPMENT_SECRET, CLOCK: "adjustable" }, [
      "AUTH_JWT_SECRET",
      "CLOCK",
    ]);
    await refuses(proxy, { ...env, ...upstreams, AUTH_JWT_SECRET: "s".repeat(40) }, ["AUTH_JWT_SECRET"]);
    await refuses(proxy, { ...env, AUTH_JWT_SECRET: DEVELOPMENT_SECRET }, ["UPSTREAMS", "AUTH_JWT_SECRET"]);
  });

  it("starts without personal-data keys, which it does not hold", async () => {
    const { PII_INDEX_KEY: _i, PII_MASTER_KEY: _m, ...env } = good();
    const p = run(proxy, { ...env, ...upstreams });
    await expect.poll(() => /gateway listening/.test(p.stdout()), { timeout: 60_000 }).toBe(true);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  }, 90_000);
});

describe("finding 1 (production protects itself): demo data", () => {
  it("the embedded gateway loads no demo data in production unless DEMO_DATA=true", async () => {
    const p = run(mains["embedded gateway"], good());
    await expect
      .poll(() => /platform ready: http:\/\/localhost:(\d+)/.test(p.stdout()), { timeout: 60_000 })
      .toBe(true);
    const port = /platform ready: http:\/\/localhost:(\d+)/.exec(p.stdout())?.[1];
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    const checks = ((await ready.json()) as { checks: { name: string }[] }).checks.map((c) => c.name);
    expect(checks).not.toContain("demo-data");
    const matters = (await (await fetch(`http://127.0.0.1:${port}/matters/`)).json()) as unknown[];
    expect(matters).toEqual([]);
    expect(p.stdout()).toContain('"demoData":false');
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  }, 90_000);
});
