import { HASH_SIZE, nodeHash } from "./hashing.ts";

export type ProofFailure =
  | "index-out-of-range"
  | "size-out-of-range"
  | "bad-hash-length"
  | "proof-too-long"
  | "proof-too-short"
  | "root-mismatch";

export type ProofVerification = { ok: true } | { ok: false; reason: ProofFailure; message: string };

const fail = (reason: ProofFailure, message: string): ProofVerification => ({ ok: false, reason, message });

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/**
 * Verifies an inclusion proof (RFC 9162 §2.1.3.2): that the leaf with hash `leaf` is at `index` in the tree
 * of `size` leaves whose root is `root`.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): ProofVerification {
  if (!Number.isSafeInteger(size) || size < 1)
    return fail("size-out-of-range", `tree size ${size} is not ≥ 1`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    return fail("index-out-of-range", `leaf index ${index} is not below tree size ${size}`);
  }
  if (!allHashes([leaf, root, ...proof])) return fail("bad-hash-length", "every hash must be 32 bytes");
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0)
      return fail("proof-too-long", `the proof has more than the ${proof.length - 1} hashes needed`);
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail("proof-too-short", `the proof of ${proof.length} hashes is missing hashes`);
  if (!Buffer.from(r).equals(Buffer.from(root))) {
    return fail("root-mismatch", "the proof leads to a root other than the one given");
  }
  return { ok: true };
}

/**
 * Verifies a consistency proof (RFC 9162 §2.1.4.2): that the tree of `second` leaves with root `secondRoot`
 * extends, unchanged, the tree of `first` leaves with root `firstRoot`.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): ProofVerification {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) {
    return fail("size-out-of-range", `sizes must satisfy 0 ≤ first ≤ second, got ${first} and ${second}`);
  }
  if (!allHashes([firstRoot, secondRoot, ...proof]))
    return fail("bad-hash-length", "every hash must be 32 bytes");
  if (first === 0 || first === second) {
    if (proof.length > 0) return fail("proof-too-long", "no hashes are needed for these sizes");
    if (first === second && !Buffer.from(firstRoot).equals(Buffer.from(secondRoot))) {
      return fail("root-mismatch", "two trees of the same size have different roots");
    }
    return { ok: true };
  }
  if (proof.length === 0)
    return fail("proof-too-short", "a consistency proof between different sizes is never empty");
  const path: Uint8Array[] = [...proof];
  // If first is an exact power of 2, the first tree's root is itself the first node of the path.
  if ((first & (first - 1)) === 0 && first <= 2 ** 30) path.unshift(firstRoot);
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0] as Uint8Array;
  let sr: Uint8Array = path[0] as Uint8Array;
  for (const c of path.slice(1)) {
    if (sn === 0) return fail("proof-too-long", "the proof has more hashes than the sizes need");
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail("proof-too-short", "the proof is missing hashes");
  if (!Buffer.from(fr).equals(Buffer.from(firstRoot))) {
    return fail("root-mismatch", `the proof does not lead to the root of the first tree (size ${first})`);
  }
  if (!Buffer.from(sr).equals(Buffer.from(secondRoot))) {
    return fail("root-mismatch", `the proof does not lead to the root of the second tree (size ${second})`);
  }
  return { ok: true };
}

function allHashes(hashes: readonly Uint8Array[]): boolean {
  return hashes.every((h) => h instanceof Uint8Array && h.length === HASH_SIZE);
}
