import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from "node:crypto";
import { DER, weierstrass } from "@noble/curves/abstract/weierstrass.js";

/**
 * SM2 digital signature (GB/T 32918.2-2016) with SM3 (GB/T 32905-2016), on the recommended curve of
 * GB/T 32918.5-2017, encoded as GB/T 35276-2017 says: the signature is DER `SEQUENCE { r INTEGER, s INTEGER }`
 * and, with no other agreement, the signer's distinguishing ID is "1234567812345678".
 *
 * Why not `crypto.sign("sm3", message, sm2Key)`: Node 24 (OpenSSL 3.5 inside) does not know SM2 as a key type
 * (`asymmetricKeyType` is undefined) and signs plain ECDSA on the SM2 curve, without the Z value and with the
 * ECDSA equation; the `openssl` CLI does not accept those signatures as SM2 (see sm2.unit.spec.ts). So the
 * signature equations are written here on the audited point arithmetic of `@noble/curves`, with Node's SM3,
 * and checked against the `openssl` CLI in both directions.
 */

const hex = (s: string) => BigInt(`0x${s.replace(/\s+/g, "")}`);

/** GB/T 32918.5-2017 recommended 256-bit curve parameters. */
export const SM2_CURVE = {
  p: hex("FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFF"),
  a: hex("FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFC"),
  b: hex("28E9FA9E 9D9F5E34 4D5A9E4B CF6509A7 F39789F5 15AB8F92 DDBCBD41 4D940E93"),
  n: hex("FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF 7203DF6B 21C6052B 53BBF409 39D54123"),
  h: 1n,
  Gx: hex("32C4AE2C 1F198119 5F990446 6A39C994 8FE30BBF F2660BE1 715A4589 334C74C7"),
  Gy: hex("BC3736A2 F4F6779C 59BDCEE3 6B692153 D0A9877C C62A4740 02DF32E5 2139F0A0"),
} as const;

/** GB/T 35276-2017 §10: the default distinguishing ID of the signer. */
export const DEFAULT_SM2_ID = "1234567812345678";

const Point = weierstrass(SM2_CURVE);
const { n } = SM2_CURVE;
const Fn = Point.Fn;

/** The 32-byte big-endian form of a field element or scalar. */
function be32(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, "0"), "hex");
}

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString("hex") || "0"}`);
}

export function sm3(...parts: Uint8Array[]): Buffer {
  const hash = createHash("sm3");
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** An SM2 public key as the uncompressed point 04‖x‖y (65 bytes). */
export type Sm2PublicPoint = Uint8Array;

/**
 * Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) — GB/T 32918.2-2016 §5.5.
 * ENTL_A is the bit length of ID_A on two bytes.
 */
export function sm2Z(publicPoint: Sm2PublicPoint, id: string = DEFAULT_SM2_ID): Buffer {
  const idBytes = Buffer.from(id, "utf8");
  const bits = idBytes.length * 8;
  if (bits > 0xffff) throw new RangeError("SM2 distinguishing ID longer than 8191 bytes");
  const point = Point.fromBytes(publicPoint);
  const { x, y } = point.toAffine();
  return sm3(
    Buffer.from([bits >> 8, bits & 0xff]),
    idBytes,
    be32(SM2_CURVE.a),
    be32(SM2_CURVE.b),
    be32(SM2_CURVE.Gx),
    be32(SM2_CURVE.Gy),
    be32(x),
    be32(y),
  );
}

/** e = SM3(Z_A ‖ M) as an integer (GB/T 32918.2-2016 §6.1 A1–A2). */
function messageInteger(message: Uint8Array, publicPoint: Sm2PublicPoint, id: string): bigint {
  return toBigInt(sm3(sm2Z(publicPoint, id), message));
}

function randomScalar(): bigint {
  // Rejection sampling: uniform in [1, n-1].
  for (;;) {
    const k = toBigInt(randomBytes(32));
    if (k >= 1n && k < n) return k;
  }
}

/** The public point of private scalar d. */
export function sm2PublicPoint(d: bigint): Sm2PublicPoint {
  return Point.BASE.multiply(d).toBytes(false);
}

/**
 * Signs `message` (the whole message: Z_A is prepended here) with private scalar `d`; returns the DER
 * signature of GB/T 35276. GB/T 32918.2-2016 §6.1 A3–A7.
 */
export function sm2Sign(message: Uint8Array, d: bigint, id: string = DEFAULT_SM2_ID): Buffer {
  if (d < 1n || d > n - 2n) throw new RangeError("SM2 private key out of range [1, n-2]");
  const e = messageInteger(message, sm2PublicPoint(d), id);
  const inverse = Fn.inv(1n + d);
  for (;;) {
    const k = randomScalar();
    const x1 = Point.BASE.multiply(k).toAffine().x;
    const r = Fn.create(e + x1);
    if (r === 0n || r + k === n) continue;
    const s = Fn.mul(inverse, Fn.sub(k, Fn.mul(r, d)));
    if (s === 0n) continue;
    return Buffer.from(DER.hexFromSig({ r, s }), "hex");
  }
}

/** GB/T 32918.2-2016 §7.1 B1–B7. False for any malformed input rather than throwing. */
export function sm2Verify(
  message: Uint8Array,
  signature: Uint8Array,
  publicPoint: Sm2PublicPoint,
  id: string = DEFAULT_SM2_ID,
): boolean {
  let r: bigint;
  let s: bigint;
  let q: ReturnType<typeof Point.fromBytes>;
  try {
    ({ r, s } = DER.toSig(signature));
    // Strict DER: a re-encoding must give the same bytes, so no second encoding of one signature verifies.
    if (DER.hexFromSig({ r, s }) !== Buffer.from(signature).toString("hex")) return false;
    q = Point.fromBytes(publicPoint);
    q.assertValidity();
  } catch {
    return false;
  }
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const t = Fn.create(r + s);
  if (t === 0n) return false;
  const e = messageInteger(message, publicPoint, id);
  const point = Point.BASE.multiplyUnsafe(s).add(q.multiplyUnsafe(t));
  if (point.is0()) return false;
  return Fn.create(e + point.toAffine().x) === r;
}

// --- Key material -------------------------------------------------------------------------------------------
// Keys are generated by Node's OpenSSL and kept as standard PKCS#8 / SPKI, so `openssl pkey` reads them; the
// scalar and the point are read out of the DER, whose layout for an SM2 key is fixed.

const PKCS8_PREFIX = Buffer.from(
  "308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420",
  "hex",
);
const SPKI_PREFIX = Buffer.from("3059301306072a8648ce3d020106082a811ccf5501822d034200", "hex");

export interface Sm2KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateSm2KeyPair(): Sm2KeyPair {
  return generateKeyPairSync("ec", { namedCurve: "SM2" });
}

/** The private scalar d of an SM2 private key (PKCS#8). */
export function sm2PrivateScalar(privateKey: KeyObject): bigint {
  const der = privateKey.export({ type: "pkcs8", format: "der" });
  if (!der.subarray(0, PKCS8_PREFIX.length).equals(PKCS8_PREFIX)) {
    throw new Error("not an SM2 private key (PKCS#8 with the SM2 curve)");
  }
  const d = toBigInt(der.subarray(PKCS8_PREFIX.length, PKCS8_PREFIX.length + 32));
  if (d < 1n || d > n - 2n) throw new Error("SM2 private key out of range");
  return d;
}

/** The uncompressed point 04‖x‖y of an SM2 public key (SPKI), checked to be on the curve. */
export function sm2PublicPointOf(publicKey: KeyObject): Sm2PublicPoint {
  const der = publicKey.export({ type: "spki", format: "der" });
  if (der.length !== SPKI_PREFIX.length + 65 || !der.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX)) {
    throw new Error("not an SM2 public key (SPKI with the SM2 curve)");
  }
  const point = new Uint8Array(der.subarray(SPKI_PREFIX.length));
  Point.fromBytes(point).assertValidity();
  return point;
}

/** Reads a PEM SPKI public key into its point. */
export function sm2PublicPointFromPem(pem: string): Sm2PublicPoint {
  return sm2PublicPointOf(createPublicKey(pem));
}

/** Reads a PEM PKCS#8 private key (encrypted when `passphrase` is given) into its scalar. */
export function sm2PrivateScalarFromPem(pem: string, passphrase?: string): bigint {
  return sm2PrivateScalar(createPrivateKey(passphrase === undefined ? pem : { key: pem, passphrase }));
}
