import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { FileKeyring } from "./keyring.ts";
import { anySignedDocumentSchema, signedDocumentSchema } from "./schemas.ts";

const dir = mkdtempSync(join(tmpdir(), "seal-schemas-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const keyring = FileKeyring.open({
  directory: dir,
  passphrase: "a test passphrase of the seal schemas",
  nodeEnv: "test",
});
const signed = keyring.sign(
  "11330106002482448A",
  { number: "JY1", scope: "预包装食品销售" },
  "2026-03-02T01:00:00Z",
);

const paths = (value: unknown) =>
  anySignedDocumentSchema.safeParse(value).error?.issues.map((issue) => issue.path.join(".")) ?? [];

describe("schemas of a presented sealed document", () => {
  it("accept what the keyring seals, with a typed document when given its schema", () => {
    expect(anySignedDocumentSchema.parse(JSON.parse(JSON.stringify(signed)))).toEqual(signed);
    const typed = signedDocumentSchema(z.object({ number: z.string(), scope: z.string() }));
    expect(typed.parse(signed).document.number).toBe("JY1");
    expect(typed.safeParse({ ...signed, document: { number: 1 } }).success).toBe(false);
  });

  it("name the field at fault", () => {
    expect(paths({ document: {} })).toEqual(["seal"]);
    expect(paths({ ...signed, seal: { ...signed.seal, algorithm: "RSA" } })).toEqual(["seal.algorithm"]);
    expect(paths({ ...signed, seal: { ...signed.seal, keyId: "key-1" } })).toEqual(["seal.keyId"]);
    expect(paths({ ...signed, seal: { ...signed.seal, department: "../x" } })).toEqual(["seal.department"]);
    expect(paths({ ...signed, seal: { ...signed.seal, signedAt: "2026-03-02" } })).toEqual(["seal.signedAt"]);
    expect(paths({ ...signed, seal: { ...signed.seal, signature: "x".repeat(200) } })).toEqual([
      "seal.signature",
    ]);
  });
});
