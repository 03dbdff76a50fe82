import { describe, expect, it } from "vitest";
import { burnerThreadsFromEnv, startCpuBurner } from "./cpu-burner.ts";

describe("the CPU burner", () => {
  it("one thread under CI, none otherwise; CPU_BURN overrides; a bad value is named", () => {
    expect(burnerThreadsFromEnv({ CI: "true" })).toBe(1);
    expect(burnerThreadsFromEnv({})).toBe(0);
    expect(burnerThreadsFromEnv({ CI: "true", CPU_BURN: "0" })).toBe(0);
    expect(() => burnerThreadsFromEnv({ CPU_BURN: "lots" })).toThrow(/CPU_BURN=lots/);
  });

  it("burns CPU while it runs and ends by itself at its deadline", async () => {
    const before = process.cpuUsage();
    const burner = startCpuBurner({ threads: 1, seconds: 1 });
    // Wait for the thread to end by itself (with a deadline, on a busy machine), then check stop() has nothing
    // left to wait for.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"deadline passed">((r) => {
      timer = setTimeout(() => r("deadline passed"), 15_000);
    });
    expect(await Promise.race([burner.ended.then(() => "ended" as const), deadline])).toBe("ended");
    clearTimeout(timer);
    const t = Date.now();
    await burner.stop();
    expect(Date.now() - t).toBeLessThan(200);
    const used = process.cpuUsage(before);
    // The worker thread's time counts for this process: it spun (an idle thread would use next to none;
    // other work on a busy machine takes its share of the second, hence the low bar).
    expect((used.user + used.system) / 1000).toBeGreaterThan(100);
  });

  it("stop() ends it long before its deadline", async () => {
    const burner = startCpuBurner({ threads: 2, seconds: 600 });
    const t = Date.now();
    await burner.stop();
    expect(Date.now() - t).toBeLessThan(2000);
  });
});
