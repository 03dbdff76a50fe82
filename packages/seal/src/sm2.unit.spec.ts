import { execFileSync } from "node:child_process";
import { sign as nodeSign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  DEFAULT_SM2_ID,
  generateSm2KeyPair,
  sm2PrivateScalar,
  sm2PublicPoint,
  sm2PublicPointOf,
  sm2Sign,
  sm2Verify,
  sm3,
} from "./sm2.ts";

// The independent implementation: the openssl CLI (OpenSSL 3), whose SM2 follows GB/T 32918.2 with the signer's
// Z value when given `-sigopt distid:…`. It is part of every machine image this project runs on.
const dir = mkdtempSync(join(tmpdir(), "seal-sm2-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(contents: string | Uint8Array): string {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, contents);
  return path;
}

function opensslVerify(
  publicPem: string,
  message: Uint8Array,
  signature: Uint8Array,
  id = DEFAULT_SM2_ID,
): boolean {
  try {
    const out = execFileSync(
      "openssl",
      [
        "dgst",
        "-sm3",
        "-verify",
        file(publicPem),
        "-sigopt",
        `distid:${id}`,
        "-signature",
        file(signature),
        file(message),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    return out.toString().includes("Verified OK");
  } catch {
    return false;
  }
}

function opensslSign(privatePem: string, message: Uint8Array, id = DEFAULT_SM2_ID): Buffer {
  const out = join(dir, `sig${n++}`);
  execFileSync("openssl", [
    "dgst",
    "-sm3",
    "-sign",
    file(privatePem),
    "-sigopt",
    `distid:${id}`,
    "-out",
    out,
    file(message),
  ]);
  return readFileSync(out);
}

function keys() {
  const pair = generateSm2KeyPair();
  return {
    d: sm2PrivateScalar(pair.privateKey),
    point: sm2PublicPointOf(pair.publicKey),
    publicPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
    privatePem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    privateKey: pair.privateKey,
  };
}

const messages = [
  Buffer.alloc(0),
  Buffer.from("abc"),
  Buffer.from('{"document":{"number":"浙食经2026000001"},"seal":{"algorithm":"SM2-SM3"}}'),
  Buffer.alloc(5000, 0xa5),
];

describe("SM2 with SM3 (GB/T 32918.2-2016, distinguishing ID of GB/T 35276-2017) against the openssl CLI", () => {
  it('SM3 gives the example digest of GB/T 32905-2016 Annex A for "abc"', () => {
    expect(sm3(Buffer.from("abc")).toString("hex")).toBe(
      "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
    );
  });

  it("has openssl with SM2 and SM3", () => {
    expect(execFileSync("openssl", ["list", "-digest-algorithms"]).toString()).toMatch(/SM3/i);
  });

  it("uses the curve of GB/T 32918.5: d·G computed here is the public key OpenSSL generated", () => {
    for (let i = 0; i < 5; i++) {
      const k = keys();
      expect(Buffer.from(sm2PublicPoint(k.d)).equals(Buffer.from(k.point))).toBe(true);
    }
  });

  it("a signature made here verifies with openssl (distid 1234567812345678)", () => {
    const k = keys();
    for (const message of messages) {
      expect(opensslVerify(k.publicPem, message, sm2Sign(message, k.d))).toBe(true);
    }
  });

  it("a signature made by openssl verifies here", () => {
    const k = keys();
    for (const message of messages) {
      expect(sm2Verify(message, opensslSign(k.privatePem, message), k.point)).toBe(true);
    }
  });

  it("the Z value binds the ID: another ID fails on both sides", () => {
    const k = keys();
    const message = Buffer.from("准予行政许可");
    expect(opensslVerify(k.publicPem, message, sm2Sign(message, k.d), "ALICE123@YAHOO.COM")).toBe(false);
    expect(sm2Verify(message, opensslSign(k.privatePem, message), k.point, "ALICE123@YAHOO.COM")).toBe(false);
    const withOtherId = sm2Sign(message, k.d, "ALICE123@YAHOO.COM");
    expect(opensslVerify(k.publicPem, message, withOtherId, "ALICE123@YAHOO.COM")).toBe(true);
    expect(sm2Verify(message, withOtherId, k.point)).toBe(false);
  });

  it("a changed message, another key or a changed signature fails", () => {
    const k = keys();
    const other = keys();
    const message = Buffer.from("准予行政许可");
    const signature = sm2Sign(message, k.d);
    expect(sm2Verify(message, signature, k.point)).toBe(true);
    expect(sm2Verify(Buffer.from("不予行政许可"), signature, k.point)).toBe(false);
    expect(sm2Verify(message, signature, other.point)).toBe(false);
    for (let i = 0; i < signature.length; i++) {
      const altered = Buffer.from(signature);
      altered[i] = (altered[i] ?? 0) ^ 0x01;
      expect(sm2Verify(message, altered, k.point)).toBe(false);
    }
    expect(sm2Verify(message, Buffer.alloc(0), k.point)).toBe(false);
    expect(sm2Verify(message, signature, new Uint8Array(65))).toBe(false);
  });

  it("finding kept current: Node's crypto.sign('sm3') with an SM2 key is not an SM2 signature (openssl rejects it)", () => {
    // If this starts failing, Node has learnt SM2 signatures and src/sm2.ts could use crypto.sign instead.
    const k = keys();
    const message = Buffer.from("准予行政许可");
    const signature = nodeSign("sm3", message, k.privateKey);
    expect(opensslVerify(k.publicPem, message, signature)).toBe(false);
    expect(sm2Verify(message, signature, k.point)).toBe(false);
  });
});
