import canonicalize from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keyIdOf } from "./keyring.ts";
import { type PublicSealKey, SEAL_ALGORITHM, type SealHeader, sealDocument, verify } from "./seal.ts";
import { generateSm2KeyPair, sm2PrivateScalar } from "./sm2.ts";

const DEPARTMENT = "11330106002482448A";
const pair = generateSm2KeyPair();
const publicKey = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
const key: PublicSealKey = {
  keyId: keyIdOf(publicKey),
  department: DEPARTMENT,
  algorithm: SEAL_ALGORITHM,
  publicKey,
  createdAt: "2026-01-01T00:00:00.000Z",
  retiredAt: null,
};
const d = sm2PrivateScalar(pair.privateKey);
const header: SealHeader = {
  algorithm: SEAL_ALGORITHM,
  keyId: key.keyId,
  department: DEPARTMENT,
  signedAt: "2026-03-02T01:00:00.000Z",
};
const json = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);

describe("seal properties over arbitrary JSON documents", () => {
  it("any JSON document verifies after a JSON round trip, and any other document under its seal does not", () => {
    fc.assert(
      fc.property(json, json, (document, other) => {
        const signed = sealDocument(document, header, d);
        expect(verify(JSON.parse(JSON.stringify(signed)), [key]).valid).toBe(true);
        const swapped = { document: other, seal: signed.seal };
        expect(verify(swapped, [key]).valid).toBe(canonicalize(other) === canonicalize(document));
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
