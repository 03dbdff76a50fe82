import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EMPTY_ROOT, leafHash, MerkleTree, nodeHash, verifyConsistency, verifyInclusion } from "./index.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const dh = (h: string) => Buffer.from(h, "hex");

// Published vectors: transparency-dev/merkle, testonly/constants.go and proof/verify_test.go (Apache-2.0),
// the reference vectors of RFC 6962 / RFC 9162 implementations.
const LEAVES = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
].map(dh);
const ROOTS = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const LEAF_HASHES = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
  "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
  "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
  "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
  "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
  "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
];
// [leaf index (0-based), tree size, proof]
const INCLUSION: [number, number, string[]][] = [
  [
    0,
    8,
    [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  ],
  [
    5,
    8,
    [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  ],
  [2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]],
  [
    1,
    5,
    [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  ],
  [0, 1, []],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  ],
  [
    6,
    8,
    [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  ],
  [
    2,
    5,
    [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  ],
  [
    6,
    7,
    [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  ],
];

function treeOf(leaves: readonly Uint8Array[]): MerkleTree {
  const tree = new MerkleTree();
  for (const leaf of leaves) tree.append(leaf);
  return tree;
}

// An independent implementation, written straight from the recursive definitions of RFC 6962 §2.1
// (MTH, PATH, PROOF/SUBPROOF) with its own hashing, sharing no code with the module under test.
const sha = (...parts: Uint8Array[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};
const refK = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
// Over index ranges [start, start + n) of one list, with MTH memoised per range (the definitions recompute it).
const memo = new Map<string, Buffer>();
const refMTH = (d: readonly Buffer[], start = 0, n = d.length): Buffer => {
  const key = `${d.length}:${start}:${n}`;
  const known = memo.get(key);
  if (known) return known;
  let out: Buffer;
  if (n === 0) out = sha();
  else if (n === 1) out = sha(Buffer.from([0]), d[start] as Buffer);
  else {
    const k = refK(n);
    out = sha(Buffer.from([1]), refMTH(d, start, k), refMTH(d, start + k, n - k));
  }
  memo.set(key, out);
  return out;
};
const refPATH = (m: number, d: readonly Buffer[], start: number, n: number): Buffer[] => {
  if (n === 1) return [];
  const k = refK(n);
  return m < k
    ? [...refPATH(m, d, start, k), refMTH(d, start + k, n - k)]
    : [...refPATH(m - k, d, start + k, n - k), refMTH(d, start, k)];
};
const refSUBPROOF = (m: number, d: readonly Buffer[], start: number, n: number, b: boolean): Buffer[] => {
  if (m === n) return b ? [] : [refMTH(d, start, n)];
  const k = refK(n);
  return m <= k
    ? [...refSUBPROOF(m, d, start, k, b), refMTH(d, start + k, n - k)]
    : [...refSUBPROOF(m - k, d, start + k, n - k, false), refMTH(d, start, k)];
};

describe("RFC 9162 §2.1 Merkle tree", () => {
  it("hashes leaves with 0x00 and nodes with 0x01 (RFC 9162 §2.1.1, published leaf hashes)", () => {
    expect(LEAVES.map((l) => hex(leafHash(l)))).toEqual(LEAF_HASHES);
    expect(hex(EMPTY_ROOT)).toBe(ROOTS[0]);
    expect(hex(nodeHash(dh(LEAF_HASHES[0] as string), dh(LEAF_HASHES[1] as string)))).toBe(ROOTS[2]);
  });

  it("gives the published root of every tree size 0..8", () => {
    const tree = new MerkleTree();
    expect(hex(tree.rootHash())).toBe(ROOTS[0]);
    LEAVES.forEach((leaf, i) => {
      tree.append(leaf);
      expect(hex(tree.rootHash()), `size ${i + 1}`).toBe(ROOTS[i + 1]);
    });
    // and the same roots for earlier sizes from the full tree
    for (let size = 0; size <= 8; size++) expect(hex(tree.rootHash(size))).toBe(ROOTS[size]);
  });

  it.each(INCLUSION)(
    "generates and verifies the published inclusion proof of leaf %i in a tree of %i",
    (index, size, proof) => {
      const tree = treeOf(LEAVES);
      expect(tree.inclusionProof(index, size).map(hex)).toEqual(proof);
      const root = dh(ROOTS[size] as string);
      expect(verifyInclusion(leafHash(LEAVES[index] as Buffer), index, size, proof.map(dh), root)).toEqual({
        ok: true,
      });
    },
  );

  it.each(CONSISTENCY)(
    "generates and verifies the published consistency proof %i → %i",
    (first, second, proof) => {
      const tree = treeOf(LEAVES);
      expect(tree.consistencyProof(first, second).map(hex)).toEqual(proof);
      const r1 = dh(ROOTS[first] as string);
      const r2 = dh(ROOTS[second] as string);
      expect(verifyConsistency(first, second, r1, r2, proof.map(dh))).toEqual({ ok: true });
    },
  );

  it("matches an independent RFC 6962 implementation for every size 1..64, every index and every pair", () => {
    const data = Array.from({ length: 64 }, (_, i) => Buffer.from(`leaf-${i}-${"x".repeat(i % 7)}`));
    const tree = treeOf(data);
    for (let n = 1; n <= 64; n++) {
      const d = data.slice(0, n);
      const root = refMTH(data, 0, n);
      expect(hex(tree.rootHash(n))).toBe(hex(root));
      for (let m = 0; m < n; m++) {
        const proof = tree.inclusionProof(m, n);
        expect(proof.map(hex)).toEqual(refPATH(m, data, 0, n).map(hex));
        expect(verifyInclusion(leafHash(d[m] as Buffer), m, n, proof, root).ok).toBe(true);
      }
      for (let m = 1; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        expect(proof.map(hex)).toEqual(m === n ? [] : refSUBPROOF(m, data, 0, n, true).map(hex));
        expect(verifyConsistency(m, n, refMTH(data, 0, m), root, proof).ok).toBe(true);
      }
    }
  });

  // A root hash does not commit to its tree size (a neighbouring size can share the proof's shape), which is why
  // a checkpoint signs the size together with the root; the probes below are those whose shape must differ.
  it("refuses altered inclusion proofs: tampered leaf, wrong index, wrong size, truncated, extended, flipped bits", () => {
    const data = Array.from({ length: 23 }, (_, i) => Buffer.from(`e${i}`));
    const tree = treeOf(data);
    for (const size of [2, 3, 7, 8, 13, 23]) {
      const root = tree.rootHash(size);
      for (let index = 0; index < size; index++) {
        const leaf = tree.leafHashAt(index);
        const proof = tree.inclusionProof(index, size);
        const flipped = Buffer.from(leaf);
        flipped[0] = (flipped[0] as number) ^ 1;
        const bad: [string, ReturnType<typeof verifyInclusion>][] = [
          ["tampered leaf", verifyInclusion(flipped, index, size, proof, root)],
          ["index + 1", verifyInclusion(leaf, index + 1, size, proof, root)],
          ["index - 1", verifyInclusion(leaf, index - 1, size, proof, root)],
          ["size * 2", verifyInclusion(leaf, index, size * 2, proof, root)],
          ["size / 2", verifyInclusion(leaf, index, Math.floor(size / 2), proof, root)],
          ["truncated", verifyInclusion(leaf, index, size, proof.slice(0, -1), root)],
          ["trailing root", verifyInclusion(leaf, index, size, [...proof, root], root)],
          ["preceding root", verifyInclusion(leaf, index, size, [root, ...proof], root)],
          ["empty-tree root", verifyInclusion(leaf, index, size, proof, EMPTY_ROOT)],
        ];
        proof.forEach((p, i) => {
          const altered = proof.map((h) => Buffer.from(h));
          (altered[i] as Buffer)[0] = (p[0] as number) ^ 8;
          bad.push([`proof[${i}] bit flipped`, verifyInclusion(leaf, index, size, altered, root)]);
        });
        for (const [what, result] of bad)
          expect(result.ok, `${what} (index ${index}, size ${size})`).toBe(false);
      }
    }
    expect(
      verifyInclusion(tree.leafHashAt(0), 0, 4, tree.inclusionProof(0, 4).slice(1), tree.rootHash(4)),
    ).toMatchObject({
      ok: false,
      reason: "proof-too-short",
    });
    expect(verifyInclusion(Buffer.alloc(3), 0, 1, [], tree.rootHash(1))).toMatchObject({
      reason: "bad-hash-length",
    });
  });

  it("refuses altered consistency proofs: wrong sizes, wrong or swapped roots, truncated, extended, flipped bits", () => {
    const data = Array.from({ length: 20 }, (_, i) => Buffer.from(`c${i}`));
    const tree = treeOf(data);
    for (const [first, second] of [
      [1, 2],
      [3, 7],
      [4, 8],
      [6, 8],
      [5, 20],
      [16, 20],
      [19, 20],
    ] as const) {
      const r1 = tree.rootHash(first);
      const r2 = tree.rootHash(second);
      const proof = tree.consistencyProof(first, second);
      expect(verifyConsistency(first, second, r1, r2, proof).ok).toBe(true);
      const bad: [string, ReturnType<typeof verifyConsistency>][] = [
        ["first - 1", verifyConsistency(first - 1, second, r1, r2, proof)],
        ["first + 1", verifyConsistency(first + 1, second, r1, r2, proof)],
        ["second * 2", verifyConsistency(first, second * 2, r1, r2, proof)],
        ["second / 2", verifyConsistency(first, Math.floor(second / 2), r1, r2, proof)],
        ["swapped roots", verifyConsistency(first, second, r2, r1, proof)],
        ["wrong first root", verifyConsistency(first, second, EMPTY_ROOT, r2, proof)],
        ["wrong second root", verifyConsistency(first, second, r1, EMPTY_ROOT, proof)],
        ["empty proof", verifyConsistency(first, second, r1, r2, [])],
        ["truncated", verifyConsistency(first, second, r1, r2, proof.slice(0, -1))],
        ["trailing root", verifyConsistency(first, second, r1, r2, [...proof, r2])],
        ["preceding proof[0]", verifyConsistency(first, second, r1, r2, [proof[0] as Buffer, ...proof])],
      ];
      proof.forEach((p, i) => {
        const altered = proof.map((h) => Buffer.from(h));
        (altered[i] as Buffer)[0] = (p[0] as number) ^ 16;
        bad.push([`proof[${i}] bit flipped`, verifyConsistency(first, second, r1, r2, altered)]);
      });
      for (const [what, result] of bad) expect(result.ok, `${what} (${first} → ${second})`).toBe(false);
    }
  });

  it("detects a rewritten history: a tree whose early leaf changed is not consistent with the old head", () => {
    const data = Array.from({ length: 12 }, (_, i) => Buffer.from(`h${i}`));
    const old = treeOf(data.slice(0, 9));
    const rewritten = treeOf([...data.slice(0, 4), Buffer.from("forged"), ...data.slice(5)]);
    const proof = rewritten.consistencyProof(9, 12);
    expect(verifyConsistency(9, 12, old.rootHash(), rewritten.rootHash(), proof)).toMatchObject({
      ok: false,
      reason: "root-mismatch",
    });
  });

  it("refuses sizes and indexes outside the tree", () => {
    const tree = treeOf([Buffer.from("a"), Buffer.from("b")]);
    expect(() => tree.inclusionProof(2, 2)).toThrow(RangeError);
    expect(() => tree.rootHash(3)).toThrow(RangeError);
    expect(() => tree.consistencyProof(3, 2)).toThrow(RangeError);
    expect(() => tree.appendLeafHash(Buffer.alloc(31))).toThrow(RangeError);
    expect(verifyConsistency(2, 1, EMPTY_ROOT, EMPTY_ROOT, [])).toMatchObject({
      reason: "size-out-of-range",
    });
    expect(verifyConsistency(0, 5, EMPTY_ROOT, tree.rootHash(), []).ok).toBe(true);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, tree.rootHash(), [EMPTY_ROOT]).ok).toBe(false);
  });
});
