import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { creditEventTypes as wire } from "@gov/contracts";
import { type EventStore, verifyChain } from "@gov/eventsourcing";
import { embeddedTestStore } from "@gov/eventsourcing/testing";
import { residentIdCheckCharacter } from "@gov/identifiers";
import { type KeyVault, openSqliteKeyVault, piiKeyFromEnv } from "@gov/pii";
import { useBackend } from "@gov/testing";
import { describe, expect, it } from "vitest";
import { measuresV1 } from "../domain/measures.ts";
import { eraseIdentity } from "./erase.ts";
import { registerSubject } from "./register.ts";
import { subjectCommands, subjectStream } from "./subjects.ts";

useBackend("sqlite", "credit erasure, all or nothing (sqlite)", true);

const ID = `33010619850312004${residentIdCheckCharacter("33010619850312004")}`;
const admin = { now: "2026-06-01T10:00:00+08:00", actor: { id: "admin-1", role: "admin" } } as const;

/** The store, failing once on the first append that `when` matches. */
function storeFailingOnce(store: EventStore, when: (types: string[]) => boolean): EventStore {
  let armed = true;
  return new Proxy(store, {
    get(target, property) {
      if (property === "append")
        return async (...args: Parameters<EventStore["append"]>) => {
          if (armed && when(args[1].map((e) => e.type))) {
            armed = false;
            throw new Error("injected: the store is unavailable");
          }
          return target.append(...args);
        };
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The vault, failing once when asked to destroy a key. */
function vaultFailingOnce(vault: KeyVault): KeyVault {
  let armed = true;
  return {
    ...vault,
    async erase(subjectId) {
      if (armed) {
        armed = false;
        throw new Error("injected: the key vault is unavailable");
      }
      return vault.erase(subjectId);
    },
  };
}

type Step = "ErasureRequested is appended" | "the key is destroyed" | "IdentityErased is appended";
const steps: { step: Step; afterFailure: string[]; keyGone: boolean }[] = [
  { step: "ErasureRequested is appended", afterFailure: [wire.SubjectRegistered], keyGone: false },
  {
    step: "the key is destroyed",
    afterFailure: [wire.SubjectRegistered, wire.ErasureRequested],
    keyGone: false,
  },
  {
    step: "IdentityErased is appended",
    afterFailure: [wire.SubjectRegistered, wire.ErasureRequested],
    keyGone: true,
  },
];

describe("erasure is all or nothing (个人信息保护法 第四十七条): a failure at any step is completed by a retry", () => {
  it.each(steps)("a failure when $step", async ({ step, afterFailure, keyGone }) => {
    const t = await embeddedTestStore();
    const dir = mkdtempSync(join(tmpdir(), "credit-erase-"));
    const vault = openSqliteKeyVault({
      path: join(dir, "credit-keys.db"),
      masterKey: piiKeyFromEnv("PII_MASTER_KEY", undefined, "test"),
    });
    try {
      const indexKey = piiKeyFromEnv("PII_INDEX_KEY", undefined, "test");
      const registered = await registerSubject(
        { subjects: subjectCommands(t.store, measuresV1), vault, indexKey },
        { kind: "person", idNumber: ID, name: "示例甲" },
        { ...admin, actor: { id: "ca-1", role: "credit-admin" } },
      );
      const { subjectId } = registered;
      const identity = (await t.store.readStream(subjectStream(subjectId)))[0]?.data as unknown as {
        identity: Parameters<KeyVault["open"]>[1];
      };
      const failing =
        step === "the key is destroyed"
          ? { subjects: subjectCommands(t.store, measuresV1), vault: vaultFailingOnce(vault) }
          : {
              subjects: subjectCommands(
                storeFailingOnce(t.store, (types) =>
                  types.includes(
                    step === "ErasureRequested is appended" ? wire.ErasureRequested : wire.IdentityErased,
                  ),
                ),
                measuresV1,
              ),
              vault,
            };
      const types = async () => (await t.store.readStream(subjectStream(subjectId))).map((e) => e.type);

      await expect(eraseIdentity(failing, subjectId, "删除请求 2026-007", admin)).rejects.toThrow(/injected/);
      // What the failure left: the history says how far it got; the key is gone only after the request is recorded.
      expect(await types()).toEqual(afterFailure);
      expect((await vault.open(subjectId, identity.identity)) === undefined).toBe(keyGone);

      // The same request again completes it: one request, one confirmation, the key gone, the chain intact.
      const retried = await eraseIdentity(failing, subjectId, "删除请求 2026-007", admin);
      expect(retried.events.map((e) => e.type)).toEqual(
        afterFailure.includes(wire.ErasureRequested)
          ? ["IdentityErased"]
          : ["ErasureRequested", "IdentityErased"],
      );
      expect(await types()).toEqual([wire.SubjectRegistered, wire.ErasureRequested, wire.IdentityErased]);
      expect(await vault.open(subjectId, identity.identity)).toBeUndefined();
      const stream = await t.store.readStream(subjectStream(subjectId));
      expect(verifyChain(subjectStream(subjectId), stream).ok).toBe(true);
      expect(stream.at(-1)?.data).toMatchObject({ request: "删除请求 2026-007" });

      // Once done, a further request changes nothing.
      expect((await eraseIdentity(failing, subjectId, "删除请求 2026-008", admin)).events).toEqual([]);
    } finally {
      await vault.close();
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
