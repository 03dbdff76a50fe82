import { createHash } from "node:crypto";

/** RFC 9162 §2.1.1: SHA-256 as the log's hash algorithm; every hash is 32 bytes. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = HASH(): the hash of an empty input (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Buffer = createHash("sha256").digest();

/** MTH({d(0)}) = HASH(0x00 || d(0)) (RFC 9162 §2.1.1): the 0x00 prefix keeps leaves apart from nodes. */
export function leafHash(data: Uint8Array): Buffer {
  return createHash("sha256").update(LEAF_PREFIX).update(data).digest();
}

/** HASH(0x01 || left || right) (RFC 9162 §2.1.1): an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
}

/** The largest power of two strictly smaller than n (n > 1): the `k` of RFC 9162 §2.1.1. */
export function splitPoint(n: number): number {
  if (n < 2) throw new RangeError(`splitPoint needs n > 1, got ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
