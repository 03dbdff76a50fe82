import { generateKeyPairSync } from "node:crypto";
import { auditKeyFromEnv } from "@gov/runtime";
import { describe, expect, it } from "vitest";
import { checkpointNote, signCheckpoint, verifyCheckpoint } from "./checkpoint.ts";

const key = auditKeyFromEnv(undefined, "test");
const head = { treeSize: 42, rootHash: "ab".repeat(32), signedAt: "2026-03-02T08:00:00.000Z" };

describe("signed checkpoints (RFC 9162 §4.10 signed tree head, Ed25519 per RFC 8032)", () => {
  it("signs the note of size, root and time, one a line, and verifies with the public key", () => {
    expect(checkpointNote(head)).toBe(
      `gov-platform-audit-log/v1\n42\n${"ab".repeat(32)}\n2026-03-02T08:00:00.000Z\n`,
    );
    const c = signCheckpoint(head, key.privateKey, key.publicKeyBase64);
    expect(verifyCheckpoint(c, key.publicKeyBase64)).toEqual({ ok: true });
  });

  it("refuses a checkpoint whose size, root or time was changed, or another key", () => {
    const c = signCheckpoint(head, key.privateKey, key.publicKeyBase64);
    expect(verifyCheckpoint({ ...c, treeSize: 43 }, key.publicKeyBase64)).toMatchObject({
      reason: "bad-signature",
    });
    expect(verifyCheckpoint({ ...c, rootHash: "cd".repeat(32) }, key.publicKeyBase64)).toMatchObject({
      ok: false,
    });
    expect(
      verifyCheckpoint({ ...c, signedAt: "2026-03-03T08:00:00.000Z" }, key.publicKeyBase64),
    ).toMatchObject({ ok: false });
    const other = generateKeyPairSync("ed25519")
      .publicKey.export({ type: "spki", format: "der" })
      .toString("base64");
    expect(verifyCheckpoint(c, other)).toMatchObject({ reason: "wrong-key" });
    expect(verifyCheckpoint({ ...c, keyId: "0".repeat(16) }, key.publicKeyBase64)).toMatchObject({
      reason: "wrong-key",
    });
  });
});
