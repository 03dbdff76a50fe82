import { ConfigError } from "@gov/service-kit";
import { describe, expect, it } from "vitest";
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
