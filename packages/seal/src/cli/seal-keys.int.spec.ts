import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FileKeyring } from "../keyring.ts";
import { verify } from "../seal.ts";

const script = fileURLToPath(new URL("./seal-keys.ts", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "seal-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const PASSPHRASE = "a-production-grade-passphrase-for-the-cli-test";
const DEPARTMENT = "11330106002482448A";

function run(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("seal-keys CLI", () => {
  it("rotates a department's key; certificates sealed before keep verifying with the listed public keys", () => {
    const directory = join(root, "keys");
    const env = { SEAL_KEYRING_DIR: directory, SEAL_KEYRING_PASSPHRASE: PASSPHRASE, NODE_ENV: "production" };
    const old = FileKeyring.open({ directory, passphrase: PASSPHRASE, nodeEnv: "production" }).sign(
      DEPARTMENT,
      { number: "JY1" },
      "2026-03-02T01:00:00Z",
    );
    const rotated = run(["rotate", "--department", DEPARTMENT, "--at", "2026-06-01T00:00:00Z"], env);
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain(`${old.seal.keyId} retired`);
    const listed = run(["list"], env);
    expect(listed.stdout).toContain(
      `${old.seal.keyId}  created 2026-03-02T01:00:00.000Z  retired 2026-06-01T00:00:00.000Z`,
    );
    expect(listed.stdout).toMatch(/in use/);
    const keys = JSON.parse(run(["public-keys"], env).stdout);
    expect(keys).toHaveLength(2);
    expect(verify(old, keys, { department: DEPARTMENT }).valid).toBe(true);
  });

  it("refuses production without a proper passphrase, and unknown commands", () => {
    const directory = join(root, "other");
    const weak = run(["list"], { SEAL_KEYRING_DIR: directory, NODE_ENV: "production" });
    expect(weak.status).toBe(1);
    expect(weak.stderr).toContain("SEAL_KEYRING_PASSPHRASE: required in production");
    expect(run(["destroy"], { SEAL_KEYRING_DIR: directory, NODE_ENV: "development" }).status).toBe(2);
    expect(run(["rotate"], { SEAL_KEYRING_DIR: directory, NODE_ENV: "development" }).status).toBe(2);
  });
});
