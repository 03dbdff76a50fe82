import { describe, expect, it } from "vitest";
import { OneAtATime } from "./one-at-a-time.ts";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe("OneAtATime", () => {
  it("runs works with the same key one after the other, in the order asked", async () => {
    const queue = new OneAtATime();
    const log: string[] = [];
    const first = deferred();
    const a = queue.run("k", async () => {
      log.push("a starts");
      await first.promise;
      log.push("a ends");
      return "a";
    });
    const b = queue.run("k", async () => {
      log.push("b starts");
      return "b";
    });
    await Promise.resolve();
    expect(log).toEqual(["a starts"]);
    first.resolve();
    expect(await Promise.all([a, b])).toEqual(["a", "b"]);
    expect(log).toEqual(["a starts", "a ends", "b starts"]);
  });

  it("does not hold a key's work back behind another key's", async () => {
    const queue = new OneAtATime();
    const blocked = deferred();
    const slow = queue.run("one", () => blocked.promise.then(() => "slow"));
    expect(await queue.run("two", async () => "fast")).toBe("fast");
    blocked.resolve();
    expect(await slow).toBe("slow");
  });

  it("a failed work fails alone: the next one with the same key still runs, and the key is forgotten once idle", async () => {
    const queue = new OneAtATime();
    const failed = queue.run("k", async () => {
      throw new Error("boom");
    });
    const next = queue.run("k", async () => "next");
    await expect(failed).rejects.toThrow("boom");
    expect(await next).toBe("next");
    await new Promise((r) => setImmediate(r));
    expect(queue.busyKeys).toBe(0);
  });
});
