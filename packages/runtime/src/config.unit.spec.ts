import { ConfigError } from "@gov/service-kit";
import { describe, expect, it } from "vitest";
import { createClock } from "./clock.ts";
import { loadRuntimeConfig } from "./run-service.ts";

describe("CALENDAR_WARN_FROM", () => {
  it("defaults to 11-01 and accepts another month-day", () => {
    expect(loadRuntimeConfig({ NODE_ENV: "test" }).CALENDAR_WARN_FROM).toBe("11-01");
    expect(loadRuntimeConfig({ NODE_ENV: "test", CALENDAR_WARN_FROM: "10-15" }).CALENDAR_WARN_FROM).toBe(
      "10-15",
    );
  });

  it("refuses what is not a month-day, naming the variable", () => {
    for (const bad of ["13-01", "11/01", "2026-11-01"]) {
      let error: unknown;
      try {
        loadRuntimeConfig({ NODE_ENV: "test", CALENDAR_WARN_FROM: bad });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(["CALENDAR_WARN_FROM"]);
    }
  });
});

describe("CLOCK_OFFSET_MS", () => {
  const refused = (env: Record<string, string>) => {
    try {
      loadRuntimeConfig(env);
    } catch (error) {
      return (error as ConfigError).problems.map((p) => p.variable);
    }
    return [];
  };

  it("sets an adjustable clock off the system's from the start, and only an adjustable one", () => {
    const config = loadRuntimeConfig({ NODE_ENV: "test", CLOCK: "adjustable", CLOCK_OFFSET_MS: "-86400000" });
    expect(config.CLOCK_OFFSET_MS).toBe(-86_400_000);
    expect(refused({ NODE_ENV: "test", CLOCK_OFFSET_MS: "1000" })).toEqual(["CLOCK_OFFSET_MS"]);
    expect(refused({ NODE_ENV: "test", CLOCK: "adjustable", CLOCK_OFFSET_MS: "1.5" })).toEqual([
      "CLOCK_OFFSET_MS",
    ]);
  });

  it("the clock reads the system time plus the offset, and PUT /_clock still moves it", () => {
    const day = 86_400_000;
    const clock = createClock(-day);
    const lag = Date.now() - Date.parse(clock.now());
    expect(lag).toBeGreaterThanOrEqual(day);
    expect(lag).toBeLessThan(day + 60_000);
    clock.set("2026-12-01T10:00:00+08:00");
    expect(Date.parse(clock.now()) - Date.parse("2026-12-01T10:00:00+08:00")).toBeLessThan(60_000);
  });
});
