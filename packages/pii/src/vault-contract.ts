import { describe, expect, it } from "vitest";
import type { KeyVault } from "./vault.ts";

export interface VaultHarness {
  vault: KeyVault;
  /** The same storage opened again, with this master key. */
  reopen(masterKey?: Buffer): Promise<KeyVault>;
  /** Every byte the storage holds (files), for the "nothing in the clear" checks; undefined when not a file. */
  storedBytes?(): Buffer;
  dispose(): Promise<void>;
}

const identity = { idNumber: "11010519491231002X", name: "张三" };

/** What every key vault must do, run against each storage. */
export function describeKeyVaultContract(name: string, open: () => Promise<VaultHarness>) {
  describe(`key vault contract: ${name}`, () => {
    it("opens what it sealed, after a reopen too", async () => {
      const h = await open();
      const sealed = await h.vault.seal("P1", identity);
      expect(sealed.alg).toBe("A256GCM");
      expect(await h.vault.open("P1", sealed)).toEqual(identity);
      await h.vault.close();
      const again = await h.reopen();
      expect(await again.open("P1", sealed)).toEqual(identity);
      await again.close();
      await h.dispose();
    });

    it("keeps neither the identity nor a raw key in the clear", async () => {
      const h = await open();
      const sealed = await h.vault.seal("P1", identity);
      expect(JSON.stringify(sealed)).not.toContain(identity.idNumber);
      const bytes = h.storedBytes?.();
      if (bytes) {
        expect(bytes.includes(Buffer.from(identity.idNumber))).toBe(false);
        expect(bytes.includes(Buffer.from(identity.name))).toBe(false);
      }
      await h.vault.close();
      await h.dispose();
    });

    it("after an erasure the old value never opens again; a new seal gets a new key; erasing twice is harmless", async () => {
      const h = await open();
      const before = await h.vault.seal("P1", identity);
      const other = await h.vault.seal("P2", identity);
      expect(await h.vault.erase("P1")).toBe(true);
      expect(await h.vault.erase("P1")).toBe(false);
      expect(await h.vault.open("P1", before)).toBeUndefined();
      expect(await h.vault.open("P2", other)).toEqual(identity);
      const after = await h.vault.seal("P1", { idNumber: identity.idNumber, name: "张三（新）" });
      expect(after.keyId).not.toBe(before.keyId);
      expect(await h.vault.open("P1", after)).toEqual({ idNumber: identity.idNumber, name: "张三（新）" });
      expect(await h.vault.open("P1", before)).toBeUndefined();
      await h.vault.close();
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
      await expect(h.vault.open("P2", sealed)).rejects.toThrow();
      await expect(h.vault.open("P1", { ...sealed, keyId: "no-such-key" })).rejects.toThrow(/unknown key/);
      await h.vault.close();
      const wrong = await h.reopen(Buffer.alloc(32, 9));
      await expect(wrong.open("P1", sealed)).rejects.toThrow();
      await wrong.close();
      await h.dispose();
    });
  });
}
