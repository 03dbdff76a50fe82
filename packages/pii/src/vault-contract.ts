import { createDecipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { KeyVault } from "./vault.ts";

/** One row of the vault's `subject_keys` table, read straight from the storage (bypassing the vault). */
export interface StoredKeyRow {
  keyId: string;
  subjectId: string;
  wrapped: Buffer | null;
  erasedAt: string | null;
}

export interface VaultHarness {
  vault: KeyVault;
  /** The master key `vault` was opened with. */
  masterKey: Buffer;
  /** The same storage opened again, with this master key (default: `masterKey`). */
  reopen(masterKey?: Buffer): Promise<KeyVault>;
  /** Every byte the storage holds (SQLite: the file and its WAL; PostgreSQL: every column of every row). */
  storedBytes(): Promise<Buffer>;
  keyRows(): Promise<StoredKeyRow[]>;
  dispose(): Promise<void>;
}

const identity = { idNumber: "11010519491231002X", name: "张三" };

/** The raw data key, unwrapped as the vault does (iv ‖ tag ‖ ciphertext, AAD `subjectId/keyId`). */
function unwrapForTest(masterKey: Buffer, row: StoredKeyRow): Buffer {
  if (!row.wrapped) throw new Error(`key ${row.keyId} was erased`);
  const decipher = createDecipheriv("aes-256-gcm", masterKey, row.wrapped.subarray(0, 12), {
    authTagLength: 16,
  });
  decipher.setAAD(Buffer.from(`${row.subjectId}/${row.keyId}`));
  decipher.setAuthTag(row.wrapped.subarray(12, 28));
  return Buffer.concat([decipher.update(row.wrapped.subarray(28)), decipher.final()]);
}

/** What every key vault must do, run against each storage with a fresh one per test. */
export function describeKeyVaultContract(name: string, open: () => Promise<VaultHarness>) {
  describe(`key vault contract: ${name}`, () => {
    it("opens what it sealed, after a reopen too", async () => {
      const h = await open();
      const sealed = await h.vault.seal("P1", identity);
      expect(sealed.alg).toBe("A256GCM");
      expect(await h.vault.open("P1", sealed)).toEqual(identity);
      expect((await h.vault.seal("P1", identity)).keyId).toBe(sealed.keyId);
      await h.vault.close();
      const again = await h.reopen();
      expect(await again.open("P1", sealed)).toEqual(identity);
      await again.close();
      await h.dispose();
    });

    it("keeps neither the identity nor a raw data key in the clear", async () => {
      const h = await open();
      const sealed = await h.vault.seal("P1", identity);
      expect(JSON.stringify(sealed)).not.toContain(identity.idNumber);
      const rows = await h.keyRows();
      expect(rows.map((r) => r.subjectId)).toEqual(["P1"]);
      const rawKey = unwrapForTest(h.masterKey, rows[0] as StoredKeyRow);
      expect(rawKey).toHaveLength(32);
      const bytes = await h.storedBytes();
      expect(bytes.includes(rows[0]?.wrapped as Buffer)).toBe(true); // the dump does hold the table
      expect(bytes.includes(rawKey)).toBe(false);
      expect(bytes.includes(h.masterKey)).toBe(false);
      expect(bytes.includes(Buffer.from(identity.idNumber))).toBe(false);
      expect(bytes.includes(Buffer.from(identity.name))).toBe(false);
      await h.vault.close();
      await h.dispose();
    });

    it("after an erasure the old value never opens again; a new seal gets a new key; erasing twice is harmless", async () => {
      const h = await open();
      const before = await h.vault.seal("P1", identity);
      const other = await h.vault.seal("P2", identity);
      const wrappedBefore = (await h.keyRows()).find((r) => r.keyId === before.keyId)?.wrapped;
      expect(wrappedBefore).toBeInstanceOf(Buffer);
      expect(await h.vault.erase("P1")).toBe(true);
      expect(await h.vault.erase("P1")).toBe(false);
      expect(await h.vault.erase("P-never-seen")).toBe(false);
      expect(await h.vault.open("P1", before)).toBeUndefined();
      expect(await h.vault.open("P2", other)).toEqual(identity);
      // A tombstone stays; the key material is gone from the storage.
      const tombstone = (await h.keyRows()).find((r) => r.keyId === before.keyId);
      expect(tombstone).toMatchObject({ subjectId: "P1", wrapped: null });
      expect(tombstone?.erasedAt).toBeTruthy();
      expect((await h.storedBytes()).includes(wrappedBefore as Buffer)).toBe(false);

      const after = await h.vault.seal("P1", { idNumber: identity.idNumber, name: "张三（新）" });
      expect(after.keyId).not.toBe(before.keyId);
      expect(await h.vault.open("P1", after)).toEqual({ idNumber: identity.idNumber, name: "张三（新）" });
      expect(await h.vault.open("P1", before)).toBeUndefined();
      await h.vault.close();
      const again = await h.reopen();
      expect(await again.open("P1", before)).toBeUndefined();
      expect(await again.open("P1", after)).toEqual({ idNumber: identity.idNumber, name: "张三（新）" });
      await again.close();
      await h.dispose();
    });

    it("refuses tampered ciphertext, another subject's ciphertext, an unknown key and a wrong master key", async () => {
      const h = await open();
      const sealed = await h.vault.seal("P1", identity);
      await h.vault.seal("P2", identity);
      const flipped = Buffer.from(sealed.ciphertext, "base64");
      flipped[0] = (flipped[0] ?? 0) ^ 1;
      await expect(
        h.vault.open("P1", { ...sealed, ciphertext: flipped.toString("base64") }),
      ).rejects.toThrow();
      const shortTag = Buffer.from(sealed.tag, "base64").subarray(0, 4).toString("base64");
      await expect(h.vault.open("P1", { ...sealed, tag: shortTag })).rejects.toThrow();
      await expect(h.vault.open("P2", sealed)).rejects.toThrow();
      await expect(h.vault.open("P1", { ...sealed, keyId: "no-such-key" })).rejects.toThrow(/unknown key/);
      await h.vault.close();
      const wrong = await h.reopen(Buffer.alloc(32, 9));
      await expect(wrong.open("P1", sealed)).rejects.toThrow();
      await expect(wrong.seal("P1", identity)).rejects.toThrow();
      await wrong.close();
      await h.dispose();
    });

    it("gives every concurrent first seal of a subject a key that opens, and erases them all", async () => {
      const h = await open();
      const sealed = await Promise.all([1, 2, 3, 4].map((n) => h.vault.seal("P9", { n })));
      for (const [i, s] of sealed.entries()) expect(await h.vault.open("P9", s)).toEqual({ n: i + 1 });
      expect(await h.vault.erase("P9")).toBe(true);
      for (const s of sealed) expect(await h.vault.open("P9", s)).toBeUndefined();
      await h.vault.close();
      await h.dispose();
    });
  });
}
