import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { keyringOptionsFromEnv, sealKeyringProblems } from "./config.ts";
import { DEVELOPMENT_SEAL_PASSPHRASE, FileKeyring, KeyringError } from "./keyring.ts";
import { sealedBytes, verify } from "./seal.ts";

const DEPARTMENT = "11330106002482448A";
const OTHER = "11330100002482005X";
const PASSPHRASE = "a-real-secret-passphrase-of-more-than-32-bytes";
const dirs: string[] = [];

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "seal-keyring-"));
  dirs.push(dir);
  return join(dir, "keys");
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const open = (directory: string, passphrase = PASSPHRASE, nodeEnv = "test") =>
  FileKeyring.open({ directory, passphrase, nodeEnv });

describe("FileKeyring: per-department seal keys in files outside the event store", () => {
  it("leaves only whole key files: a write torn by a crash stays a temporary file that the keyring ignores", () => {
    const directory = folder();
    const first = open(directory).sign(DEPARTMENT, { number: "A0" }, "2026-03-02T09:00:00+08:00");
    const folderOf = join(directory, DEPARTMENT);
    expect(readdirSync(folderOf)).toEqual([`${first.seal.keyId}.json`]); // no temporary file left behind
    // What a SIGKILL in the middle of writing a new key leaves: half a file under a temporary name.
    writeFileSync(join(folderOf, `${first.seal.keyId}.json.tmp-4242-1`), '{"keyId": "sm2-', { mode: 0o600 });
    const reopened = open(directory);
    expect(reopened.publicKeys().map((k) => k.keyId)).toEqual([first.seal.keyId]);
    const next = reopened.sign(DEPARTMENT, { number: "A1" }, "2026-03-02T09:05:00+08:00");
    expect(verify(next, reopened.publicKeys()).valid).toBe(true);
  });

  it("makes a department's key on its first seal, in a 0600 file of a 0700 folder, private key encrypted", () => {
    const directory = folder();
    const keyring = open(directory);
    expect(keyring.publicKeys()).toEqual([]);
    const signed = keyring.sign(DEPARTMENT, { number: "A1" }, "2026-03-02T09:00:00+08:00");
    expect(signed.seal.signedAt).toBe("2026-03-02T01:00:00.000Z");
    const [key] = keyring.publicKeys();
    expect(key).toMatchObject({ department: DEPARTMENT, keyId: signed.seal.keyId, retiredAt: null });
    expect(key?.createdAt).toBe("2026-03-02T01:00:00.000Z");
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(join(directory, DEPARTMENT)).mode & 0o777).toBe(0o700);
    const path = join(directory, DEPARTMENT, `${signed.seal.keyId}.json`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(path, "utf8"));
    expect(stored.privateKey).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(stored.development).toBe(false);
    // Standard encrypted PKCS#8: openssl opens it with the passphrase, and not without.
    const pem = join(directory, "..", "k.pem");
    writeFileSync(pem, stored.privateKey);
    expect(
      execFileSync("openssl", [
        "pkey",
        "-in",
        pem,
        "-passin",
        `pass:${PASSPHRASE}`,
        "-noout",
        "-text",
      ]).toString(),
    ).toMatch(/SM2/);
    expect(() =>
      execFileSync("openssl", ["pkey", "-in", pem, "-passin", "pass:wrong", "-noout"], { stdio: "ignore" }),
    ).toThrow();
    expect(verify(signed, keyring.publicKeys(), { department: DEPARTMENT }).valid).toBe(true);
  });

  it("a third party checks a sealed certificate with openssl alone: canonical bytes, public key, signature", () => {
    const directory = folder();
    const signed = open(directory).sign(
      DEPARTMENT,
      { number: "JY1", scope: "预包装食品销售" },
      "2026-03-02T01:00:00Z",
    );
    const key = open(directory).publicKeys(DEPARTMENT)[0];
    const files = join(directory, "..");
    writeFileSync(join(files, "pub.pem"), key?.publicKey ?? "");
    writeFileSync(join(files, "signed.json"), sealedBytes(signed.document, signed.seal));
    writeFileSync(join(files, "signature.der"), Buffer.from(signed.seal.signature, "base64"));
    const out = execFileSync("openssl", [
      "dgst",
      "-sm3",
      "-verify",
      join(files, "pub.pem"),
      "-sigopt",
      "distid:1234567812345678",
      "-signature",
      join(files, "signature.der"),
      join(files, "signed.json"),
    ]).toString();
    expect(out).toContain("Verified OK");
  });

  it("keeps one key per department and seals with it until a rotation", () => {
    const keyring = open(folder());
    const a = keyring.sign(DEPARTMENT, { n: 1 }, "2026-03-02T01:00:00Z");
    const b = keyring.sign(DEPARTMENT, { n: 2 }, "2026-03-03T01:00:00Z");
    const c = keyring.sign(OTHER, { n: 3 }, "2026-03-03T01:00:00Z");
    expect(b.seal.keyId).toBe(a.seal.keyId);
    expect(c.seal.keyId).not.toBe(a.seal.keyId);
    expect(keyring.publicKeys()).toHaveLength(2);
    expect(keyring.publicKeys(DEPARTMENT)).toHaveLength(1);
    // Another department's key does not pass for this one.
    expect(verify(c, keyring.publicKeys(), { department: DEPARTMENT })).toMatchObject({
      failure: "wrong-department",
    });
  });

  it("a rotation keeps old certificates verifying, with the retired public key, also after reopening", () => {
    const directory = folder();
    const keyring = open(directory);
    const old = keyring.sign(DEPARTMENT, { number: "OLD" }, "2026-03-02T01:00:00Z");
    const { active, retired } = keyring.rotate(DEPARTMENT, "2026-06-01T00:00:00Z");
    expect(retired).toMatchObject({ keyId: old.seal.keyId, retiredAt: "2026-06-01T00:00:00.000Z" });
    expect(active.keyId).not.toBe(old.seal.keyId);
    const fresh = keyring.sign(DEPARTMENT, { number: "NEW" }, "2026-06-02T00:00:00Z");
    expect(fresh.seal.keyId).toBe(active.keyId);

    const reopened = open(directory);
    const keys = reopened.publicKeys(DEPARTMENT);
    expect(keys.map((k) => k.keyId).sort()).toEqual([old.seal.keyId, active.keyId].sort());
    expect(verify(old, keys, { department: DEPARTMENT })).toMatchObject({
      valid: true,
      keyId: old.seal.keyId,
    });
    expect(verify(fresh, keys, { department: DEPARTMENT })).toMatchObject({
      valid: true,
      keyId: active.keyId,
    });
    expect(reopened.activeKey(DEPARTMENT)?.keyId).toBe(active.keyId);
    expect(reopened.sign(DEPARTMENT, { n: 1 }, "2026-06-03T00:00:00Z").seal.keyId).toBe(active.keyId);
    // A seal whose metadata time predates the new key (a replay, demo data) is made and verifies.
    const backdated = reopened.sign(DEPARTMENT, { n: 2 }, "2026-04-01T00:00:00Z");
    expect(verify(backdated, keys)).toMatchObject({ valid: true, keyId: active.keyId });
    // Only the public parts leave the keyring.
    expect(JSON.stringify(keys)).not.toMatch(/PRIVATE KEY/);
  });

  it("a seal dated after its key's retirement does not verify (a retired key cannot be used to backdate)", () => {
    const keyring = open(folder());
    keyring.sign(DEPARTMENT, { number: "FIRST" }, "2026-03-02T00:00:00Z");
    const late = keyring.sign(DEPARTMENT, { number: "LATE" }, "2026-07-01T00:00:00Z");
    keyring.rotate(DEPARTMENT, "2026-06-01T00:00:00Z");
    expect(verify(late, keyring.publicKeys())).toMatchObject({ valid: false, failure: "key-not-in-force" });
    // A rotation must come after the key in use was made.
    expect(() => keyring.rotate(DEPARTMENT, "2026-05-01T00:00:00Z")).toThrow(KeyringError);
  });

  it("a process sees another process's rotation of the shared folder", () => {
    const directory = folder();
    const first = open(directory);
    const second = open(directory);
    first.sign(DEPARTMENT, { n: 1 }, "2026-03-02T01:00:00Z");
    const { active } = second.rotate(DEPARTMENT, "2026-04-01T00:00:00Z");
    expect(first.sign(DEPARTMENT, { n: 2 }, "2026-04-02T00:00:00Z").seal.keyId).toBe(active.keyId);
    expect(first.publicKeys(DEPARTMENT).filter((k) => k.retiredAt !== null)).toHaveLength(1);
  });

  it("refuses a wrong passphrase, a key file readable by others, a tampered key file and a bad department code", () => {
    const directory = folder();
    const signed = open(directory).sign(DEPARTMENT, { n: 1 }, "2026-03-02T01:00:00Z");
    expect(() =>
      open(directory, "another-passphrase-of-more-than-32-bytes!!").sign(
        DEPARTMENT,
        {},
        "2026-03-03T00:00:00Z",
      ),
    ).toThrow(/wrong passphrase/);
    const path = join(directory, DEPARTMENT, `${signed.seal.keyId}.json`);
    chmodSync(path, 0o644);
    expect(() => open(directory)).toThrow(/readable by others/);
    chmodSync(path, 0o600);
    const stored = JSON.parse(readFileSync(path, "utf8"));
    writeFileSync(path, JSON.stringify({ ...stored, keyId: "sm2-0000000000000000" }), { mode: 0o600 });
    expect(() => open(directory)).toThrow(/does not match/);
    expect(() => open(folder()).sign("../etc", {}, "2026-03-02T01:00:00Z")).toThrow(KeyringError);
    expect(() => open(folder()).sign(DEPARTMENT, {}, "not a time")).toThrow(KeyringError);
  });
});

describe("production refuses a development keyring", () => {
  it("refuses the published development passphrase", () => {
    expect(() => open(folder(), DEVELOPMENT_SEAL_PASSPHRASE, "production")).toThrow(
      /development seal passphrase/,
    );
    expect(open(folder(), DEVELOPMENT_SEAL_PASSPHRASE, "development").development).toBe(true);
  });

  it("refuses key files made by a development keyring, even with a real passphrase", () => {
    const directory = folder();
    open(directory, DEVELOPMENT_SEAL_PASSPHRASE, "development").sign(DEPARTMENT, {}, "2026-03-02T01:00:00Z");
    const stored = readdirSync(join(directory, DEPARTMENT));
    expect(stored).toHaveLength(1);
    expect(() => open(directory, PASSPHRASE, "production")).toThrow(/development key; production refuses it/);
    expect(() => open(directory, PASSPHRASE, "test")).not.toThrow();
  });

  it("names the missing or weak variables (NODE_ENV unset counts as production)", () => {
    expect(sealKeyringProblems({ NODE_ENV: "development" })).toEqual([]);
    expect(sealKeyringProblems({}).map((p) => p.variable)).toEqual([
      "SEAL_KEYRING_DIR",
      "SEAL_KEYRING_PASSPHRASE",
    ]);
    expect(
      sealKeyringProblems({
        NODE_ENV: "production",
        SEAL_KEYRING_DIR: "/k",
        SEAL_KEYRING_PASSPHRASE: DEVELOPMENT_SEAL_PASSPHRASE,
      }),
    ).toEqual([
      { variable: "SEAL_KEYRING_PASSPHRASE", message: expect.stringMatching(/published development/) },
    ]);
    expect(
      sealKeyringProblems({
        NODE_ENV: "production",
        SEAL_KEYRING_DIR: "/k",
        SEAL_KEYRING_PASSPHRASE: "short",
      }),
    ).toEqual([{ variable: "SEAL_KEYRING_PASSPHRASE", message: expect.stringMatching(/too weak/) }]);
    expect(
      sealKeyringProblems({
        NODE_ENV: "production",
        SEAL_KEYRING_DIR: "/k",
        SEAL_KEYRING_PASSPHRASE: PASSPHRASE,
      }),
    ).toEqual([]);
    expect(keyringOptionsFromEnv({ NODE_ENV: "test" }, "/tmp/x")).toEqual({
      directory: "/tmp/x",
      passphrase: DEVELOPMENT_SEAL_PASSPHRASE,
      nodeEnv: "test",
    });
  });
});
