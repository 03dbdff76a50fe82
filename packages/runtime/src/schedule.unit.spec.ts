import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { forEachCase, registerSchedulerMetrics, startSchedule } from "./schedule.ts";

const logs: { level: string; obj: object }[] = [];
const logger = {
  info: (obj: object) => void logs.push({ level: "info", obj }),
  warn: (obj: object) => void logs.push({ level: "warn", obj }),
  error: (obj: object) => void logs.push({ level: "error", obj }),
};

describe("scheduled processes", () => {
  it("move every case they can: one case that fails is listed, counted and logged, and the others still move", async () => {
    const registry = new Registry();
    registerSchedulerMetrics(registry);
    const cases = [
      { id: "A1", action: "DeemAccepted" },
      { id: "A2", action: "DeemAccepted" },
      { id: "A3", action: "TerminateUnsupplied" },
    ];
    const result = await forEachCase(
      "test-deadlines",
      cases,
      async (c) => {
        if (c.id === "A2") throw new RangeError("no working-day calendar published for 2027");
        return true;
      },
      { logger, now: "2027-01-04T09:00:00+08:00", classify: () => "urn:test:calendar" },
    );
    expect(result.moved).toEqual({ DeemAccepted: 1, TerminateUnsupplied: 1 });
    expect(result.stuck).toEqual([
      {
        id: "A2",
        action: "DeemAccepted",
        error: "no working-day calendar published for 2027",
        problemType: "urn:test:calendar",
        since: "2027-01-04T09:00:00+08:00",
      },
    ]);
    expect(await registry.getSingleMetricAsString("scheduler_case_failures_total")).toContain(
      'process="test-deadlines",action="DeemAccepted",reason="RangeError"} 1',
    );
    expect(logs.some((l) => l.level === "warn" && (l.obj as { caseId?: string }).caseId === "A2")).toBe(true);
  });

  it("logs a failed run with its error instead of swallowing it", async () => {
    logs.length = 0;
    const schedule = startSchedule({
      name: "failing",
      intervalMs: 5,
      ready: () => true,
      run: async () => {
        throw new Error("store unreachable");
      },
      logger,
    });
    await expect
      .poll(() => logs.find((l) => l.level === "error")?.obj, { timeout: 5_000 })
      .toEqual({ process: "failing", error: "Error: store unreachable" });
    await schedule.stop();
  });
});
