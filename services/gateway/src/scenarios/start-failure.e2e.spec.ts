import { probePostgres } from "@gov/eventsourcing/testing/postgres";
import { isAlive, probeKafka, trackedChildren, useBackend } from "@gov/testing";
import { describe, expect, it } from "vitest";
import { SERVICES, startDistributed } from "./platform.ts";

const suite = "the distributed harness stops what it started when the start fails";
const run =
  useBackend("postgres", suite, await probePostgres()) && useBackend("kafka", suite, await probeKafka());

describe.skipIf(!run)(suite, () => {
  it("a service that dies halfway through the start: the error names it, and no process is left running", async () => {
    const spawned: { name: string; pid: number }[] = [];
    // credit (the second service) gets an invalid variable and exits at once; matters is up by then.
    const failing = startDistributed({
      env: { credit: { EVENT_STORE: "oracle" } },
      onSpawn: (name, pid) => spawned.push({ name, pid }),
    });
    await expect(failing).rejects.toThrow(/credit exited \(1\) before it became ready[\s\S]*EVENT_STORE/);
    expect(spawned.map((s) => s.name)).toEqual([...SERVICES, "gateway"]);
    await expect
      .poll(() => spawned.filter((s) => isAlive(s.pid)).map((s) => s.name), {
        timeout: 30_000,
        interval: 200,
      })
      .toEqual([]);
    expect(trackedChildren()).toEqual([]);
  });
});
