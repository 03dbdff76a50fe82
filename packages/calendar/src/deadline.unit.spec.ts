import { describe, expect, it } from "vitest";
import { DEFAULT_YELLOW_DAYS, deadlineLevel } from "./deadline.ts";

describe("a deadline's level (时限预警, one rule for approval's flags and review-and-monitor's warnings)", () => {
  it("is green with more than the yellow days left, yellow from 2 working days left to the due date, red after it", () => {
    expect(DEFAULT_YELLOW_DAYS).toBe(2);
    expect(deadlineLevel("2026-03-02", "2026-03-05", 3)).toBe("green");
    expect(deadlineLevel("2026-03-03", "2026-03-05", 2)).toBe("yellow");
    // The due date is still within the limit (行政许可法 第四十二条): yellow, not red.
    expect(deadlineLevel("2026-03-05", "2026-03-05", 0)).toBe("yellow");
    expect(deadlineLevel("2026-03-06", "2026-03-05", -1)).toBe("red");
  });

  it("is red on a non-working day after the due date, though no working day has passed yet", () => {
    // Due on Friday 2026-03-06; on Saturday no working day lies between, yet the deadline has passed.
    expect(deadlineLevel("2026-03-07", "2026-03-06", 0)).toBe("red");
  });

  it("takes a province's own number of yellow days", () => {
    expect(deadlineLevel("2026-03-02", "2026-03-05", 3, 3)).toBe("yellow");
    expect(deadlineLevel("2026-03-02", "2026-03-05", 3, 0)).toBe("green");
  });
});
