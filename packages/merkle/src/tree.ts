import { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash, splitPoint } from "./hashing.ts";

/** One level of the tree: its hashes side by side in one growable buffer (no object per hash). */
class Level {
  private buffer = Buffer.alloc(HASH_SIZE * 64);
  length = 0;

  push(hash: Uint8Array): void {
    if ((this.length + 1) * HASH_SIZE > this.buffer.length) {
      const bigger = Buffer.alloc(this.buffer.length * 2);
      this.buffer.copy(bigger, 0, 0, this.length * HASH_SIZE);
      this.buffer = bigger;
    }
    this.buffer.set(hash, this.length * HASH_SIZE);
    this.length += 1;
  }

  /** A copy of the hash at `index` (callers may keep or change it). */
  at(index: number): Buffer {
    return Buffer.from(this.buffer.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE));
  }
}

/**
 * An append-only Merkle tree over leaf hashes, as in RFC 9162 §2.1 (Certificate Transparency 2.0).
 *
 * It keeps every complete (perfect) subtree: `levels[k][i]` is the hash of leaves `[i·2^k, (i+1)·2^k)`. A
 * subtree the RFC's recursion asks for always starts at a multiple of its largest power of two, so any MTH,
 * PATH or PROOF — for the current size or any earlier size — is assembled from stored perfect subtrees in
 * O(log² n) hashes. Memory is about two hashes (64 bytes) per leaf, each level in one buffer.
 */
export class MerkleTree {
  private readonly levels: Level[] = [new Level()];

  /** Number of leaves. */
  get size(): number {
    return (this.levels[0] as Level).length;
  }

  /** Appends a leaf by its data: its hash is HASH(0x00 || data). Returns the leaf's index. */
  append(data: Uint8Array): number {
    return this.appendLeafHash(leafHash(data));
  }

  /** Appends an already computed leaf hash (RFC 9162 §2.1.1 leaf hash). Returns the leaf's index. */
  appendLeafHash(hash: Uint8Array): number {
    if (hash.length !== 32) throw new RangeError(`a leaf hash is 32 bytes, got ${hash.length}`);
    const index = this.size;
    let node: Uint8Array = hash;
    let level = 0;
    let position = index;
    for (;;) {
      const row = this.levels[level] ?? new Level();
      this.levels[level] = row;
      row.push(node);
      if (position % 2 === 0) break;
      node = nodeHash(row.at(position - 1), node);
      position = (position - 1) / 2;
      level += 1;
    }
    return index;
  }

  /** The leaf hash at `index`. */
  leafHashAt(index: number): Buffer {
    this.checkIndex(index, this.size);
    return (this.levels[0] as Level).at(index);
  }

  /** MTH(D[0:size]) (RFC 9162 §2.1.1): the root hash of the tree as it stood at `size` leaves. */
  rootHash(size: number = this.size): Buffer {
    this.checkSize(size);
    if (size === 0) return EMPTY_ROOT;
    return this.subtreeHash(0, size);
  }

  /** PATH(index, D[0:size]) (RFC 9162 §2.1.3.1): the audit path of leaf `index` in the tree of `size`. */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    this.checkSize(size);
    this.checkIndex(index, size);
    const proof: Buffer[] = [];
    this.path(index, 0, size, proof);
    return proof;
  }

  /**
   * PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1): proves the tree of `second` leaves extends the tree of
   * `first` leaves. Empty when `first` is 0 or equals `second`.
   */
  consistencyProof(first: number, second: number = this.size): Buffer[] {
    this.checkSize(second);
    if (!Number.isSafeInteger(first) || first < 0 || first > second) {
      throw new RangeError(`consistency proof needs 0 ≤ first ≤ second, got ${first} and ${second}`);
    }
    const proof: Buffer[] = [];
    if (first === 0 || first === second) return proof;
    this.subproof(first, 0, second, true, proof);
    return proof;
  }

  /** MTH(D[start:start+n]), n ≥ 1, `start` aligned as the RFC's recursion guarantees. */
  private subtreeHash(start: number, n: number): Buffer {
    if ((n & (n - 1)) === 0 && n <= 2 ** 30) {
      const level = Math.log2(n);
      if (start % n === 0) return (this.levels[level] as Level).at(start / n);
    }
    const k = splitPoint(n);
    return nodeHash(this.subtreeHash(start, k), this.subtreeHash(start + k, n - k));
  }

  private path(m: number, start: number, n: number, out: Buffer[]): void {
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      this.path(m, start, k, out);
      out.push(this.subtreeHash(start + k, n - k));
    } else {
      this.path(m - k, start + k, n - k, out);
      out.push(this.subtreeHash(start, k));
    }
  }

  private subproof(m: number, start: number, n: number, complete: boolean, out: Buffer[]): void {
    if (m === n) {
      if (!complete) out.push(this.subtreeHash(start, n));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.subproof(m, start, k, complete, out);
      out.push(this.subtreeHash(start + k, n - k));
    } else {
      this.subproof(m - k, start + k, n - k, false, out);
      out.push(this.subtreeHash(start, k));
    }
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new RangeError(`tree size ${size} is outside 0..${this.size}`);
    }
  }

  private checkIndex(index: number, size: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`leaf index ${index} is outside 0..${size - 1}`);
    }
  }
}
