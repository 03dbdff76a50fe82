import { createHash, createHmac } from "node:crypto";
import { StateConflict } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, expect, it } from "vitest";
import { samplingDecider } from "./decide.ts";
import type { SamplingEvent } from "./sampling.ts";

const rules = { seed: "audit-seed-2026" };
const at = (date: string) => ({ now: `${date}T09:00:00+08:00`, actor: { id: "s", role: "system" as const } });
const spec = deciderSpec(samplingDecider(rules), { metadata: at("2026-06-01") });
const monthSeed = createHmac("sha256", rules.seed).update("sampling-period:2026-05").digest("hex");
const revealed: SamplingEvent = {
  type: "SamplingSeedRevealed",
  data: {
    period: "2026-05",
    periodSeed: monthSeed,
    periodSeedSha256: createHash("sha256").update(monthSeed).digest("hex"),
    revealedOn: "2026-06-01",
  },
};

describe("commit-reveal of the 告知承诺 sampling seed (国办发〔2020〕42号: 事后核查 by sampling)", () => {
  it("a month's seed is revealed once the month has ended, with the SHA-256 its tasks committed to", () => {
    spec
      .given()
      .when({ type: "RevealSamplingSeed", data: { period: "2026-05" } })
      .then(revealed);
    expect(createHash("sha256").update(revealed.data.periodSeed).digest("hex")).toBe(
      revealed.data.periodSeedSha256,
    );
  });

  it("is refused during the month (its draws must stay unpredictable) and for a month still to come", () => {
    for (const period of ["2026-06", "2026-07"])
      spec
        .given()
        .when({ type: "RevealSamplingSeed", data: { period }, metadata: at("2026-06-30") })
        .thenThrows(StateConflict);
  });

  it("a second reveal is nothing new", () => {
    spec
      .given(revealed)
      .when({ type: "RevealSamplingSeed", data: { period: "2026-05" }, metadata: at("2026-08-01") })
      .thenNothingHappened();
  });
});
