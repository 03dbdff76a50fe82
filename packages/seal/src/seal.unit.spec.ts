import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { keyIdOf } from "./keyring.ts";
import {
  type PublicSealKey,
  SEAL_ALGORITHM,
  type SignedDocument,
  sealDocument,
  verificationCode,
  verify,
} from "./seal.ts";
import { generateSm2KeyPair, sm2PrivateScalar } from "./sm2.ts";
import { certificateCheck } from "./status.ts";

const DEPARTMENT = "11330106002482448A";
const OTHER_DEPARTMENT = "11330100002482005X";

function makeKey(
  department: string,
  createdAt = "2026-01-01T00:00:00.000Z",
  retiredAt: string | null = null,
) {
  const pair = generateSm2KeyPair();
  const publicKey = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
  const key: PublicSealKey = {
    keyId: keyIdOf(publicKey),
    department,
    algorithm: SEAL_ALGORITHM,
    publicKey,
    createdAt,
    retiredAt,
  };
  return { key, d: sm2PrivateScalar(pair.privateKey) };
}

const certificate = {
  number: "浙食经2026000001",
  holder: { kind: "organisation", creditCode: "91330106MA2B3C4D5E" },
  matter: { id: "330000-FOOD-001", version: 3, name: "食品经营许可（新办）" },
  caseNumber: "330106-20260302-000123",
  scope: "预包装食品销售，热食类食品制售",
  validity: { from: "2026-03-02", until: "2031-03-01" },
  issuingDepartment: { creditCode: DEPARTMENT, name: "杭州市西湖区市场监督管理局" },
};

function sealed(key = makeKey(DEPARTMENT), signedAt = "2026-03-02T01:00:00.000Z") {
  const signed = sealDocument(
    certificate,
    { algorithm: SEAL_ALGORITHM, keyId: key.key.keyId, department: key.key.department, signedAt },
    key.d,
  );
  return { signed, key };
}

describe("sealing and verifying a certificate (SM2/SM3 over RFC 8785 canonical JSON)", () => {
  it("a sealed certificate verifies, after a JSON round trip with other key order and whitespace", () => {
    const { signed, key } = sealed();
    const reordered = JSON.parse(JSON.stringify({ seal: signed.seal, document: signed.document }, null, 4));
    for (const presented of [signed, reordered]) {
      expect(verify(presented, [key.key], { department: DEPARTMENT })).toEqual({
        valid: true,
        keyId: key.key.keyId,
        department: DEPARTMENT,
        signedAt: "2026-03-02T01:00:00.000Z",
      });
    }
  });

  it("one altered byte anywhere in the transported UTF-8 JSON fails (or no longer parses)", () => {
    const { signed, key } = sealed();
    const bytes = Buffer.from(JSON.stringify(signed), "utf8");
    const original = canonicalize(signed);
    let changed = 0;
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] = (altered[i] ?? 0) ^ 0x01; // also breaks multi-byte characters: they decode as U+FFFD
      let presented: unknown;
      try {
        presented = JSON.parse(altered.toString("utf8"));
      } catch {
        continue;
      }
      if (canonicalize(presented) === original) continue; // none expected: there is no whitespace to change
      changed++;
      expect(
        verify(presented, [key.key]).valid,
        `byte ${i}: ${altered.subarray(Math.max(0, i - 12), i + 12)}`,
      ).toBe(false);
    }
    expect(changed).toBeGreaterThan(bytes.length / 2);
  }, 180_000); // ~1000 verifications on a busy 2-core machine

  it("a second spelling of the same signature (non-zero unused bits before the base64 padding) is refused", () => {
    // SM2 signatures are 70–72 DER bytes, so most end in "=" or "==": the last character before the padding
    // carries bits that decoding ignores. Flipping one gives a different string with the same bytes.
    let tried = 0;
    for (; tried < 50; tried++) {
      const { signed, key } = sealed();
      const sig = signed.seal.signature;
      const at = sig.indexOf("=") - 1;
      if (at < 0) continue;
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      const flipped = alphabet[alphabet.indexOf(sig[at] as string) ^ 0x01] as string;
      const respelled = `${sig.slice(0, at)}${flipped}${sig.slice(at + 1)}`;
      expect(Buffer.from(respelled, "base64")).toEqual(Buffer.from(sig, "base64"));
      const presented = { ...signed, seal: { ...signed.seal, signature: respelled } };
      expect(verify(presented, [key.key])).toMatchObject({ valid: false });
      expect(verify(signed, [key.key]).valid).toBe(true);
      break;
    }
    expect(tried).toBeLessThan(50);
  });

  it("a changed value of the document is a bad signature", () => {
    const { signed, key } = sealed();
    const forged = structuredClone(signed);
    forged.document.validity.until = "2041-03-01";
    expect(verify(forged, [key.key])).toMatchObject({ valid: false, failure: "bad-signature" });
  });

  it("a key the verifier does not know is named as such", () => {
    const { signed } = sealed();
    expect(verify(signed, [makeKey(DEPARTMENT).key])).toMatchObject({ valid: false, failure: "unknown-key" });
  });

  it("a seal claiming another department than its key's, or than expected, is the wrong department", () => {
    const other = makeKey(OTHER_DEPARTMENT);
    const { signed } = sealed(other);
    // Sealed by another department's genuine key, presented as this department's certificate.
    expect(verify(signed, [other.key], { department: DEPARTMENT })).toMatchObject({
      valid: false,
      failure: "wrong-department",
    });
    const relabelled: SignedDocument = structuredClone(signed);
    relabelled.seal.department = DEPARTMENT;
    expect(verify(relabelled, [other.key])).toMatchObject({ valid: false, failure: "wrong-department" });
  });

  it("a retired key verifies what it sealed before retirement and refuses a seal dated at or after it", () => {
    const key = makeKey(DEPARTMENT, "2026-01-01T00:00:00.000Z");
    const before = sealed(key, "2026-03-02T01:00:00.000Z").signed;
    const after = sealed(key, "2026-06-01T00:00:00.000Z").signed;
    const retired = { ...key.key, retiredAt: "2026-05-01T00:00:00.000Z" };
    expect(verify(before, [retired]).valid).toBe(true);
    expect(verify(after, [retired])).toMatchObject({ valid: false, failure: "key-not-in-force" });
    // A seal dated before the key file was made is fine (metadata times of demo data or replays).
    const early = sealed(key, "2025-12-31T23:59:59.000Z").signed;
    expect(verify(early, [retired]).valid).toBe(true);
  });

  it("anything that is not a signed document is malformed, never an exception", () => {
    const { signed, key } = sealed();
    const cases: unknown[] = [
      null,
      "text",
      42,
      {},
      { document: certificate },
      { document: certificate, seal: null },
      { ...signed, seal: { ...signed.seal, signature: "not base64!" } },
      { ...signed, seal: { ...signed.seal, signedAt: "yesterday" } },
      { ...signed, seal: { ...signed.seal, keyId: 7 } },
    ];
    for (const presented of cases)
      expect(verify(presented, [key.key])).toMatchObject({ valid: false, failure: "malformed" });
    expect(verify({ ...signed, seal: { ...signed.seal, algorithm: "Ed25519" } }, [key.key])).toMatchObject({
      valid: false,
      failure: "unsupported-algorithm",
    });
    expect(verify({ ...signed, seal: { ...signed.seal, signature: "AAAA" } }, [key.key])).toMatchObject({
      valid: false,
      failure: "bad-signature",
    });
  });

  it("a revoked certificate is reported authentic but not in force (吊销: 行政处罚法 第九条)", () => {
    const { signed, key } = sealed();
    const status = {
      state: "revoked",
      since: "2026-09-01T02:00:00.000Z",
      reason: "超范围经营",
      basis: "行政处罚法 第九条",
    } as const;
    expect(certificateCheck(verify(signed, [key.key]), status)).toEqual({
      authentic: true,
      inForce: false,
      keyId: key.key.keyId,
      department: DEPARTMENT,
      signedAt: "2026-03-02T01:00:00.000Z",
      status,
    });
    expect(certificateCheck(verify(signed, [key.key]), { state: "in-force" })).toMatchObject({
      authentic: true,
      inForce: true,
    });
    const forged = structuredClone(signed);
    forged.document.scope = "全部";
    expect(certificateCheck(verify(forged, [key.key]), { state: "in-force" })).toMatchObject({
      authentic: false,
      failure: "bad-signature",
    });
  });

  it("the verification code is 16 characters of base32, the same for the same seal and different for another", () => {
    const { signed, key } = sealed();
    const code = verificationCode(signed);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(verificationCode(JSON.parse(JSON.stringify(signed)))).toBe(code);
    expect(verificationCode(sealed(key).signed)).not.toBe(code); // a new signature (new random k)
  });
});
