import { describe, expect, it } from "vitest";
import type { NewEvent, RecordedEvent } from "./envelope.ts";
import { chainEvents, hashEvent, verifyChain } from "./hash-chain.ts";

const base: NewEvent = {
  id: "6f1c1c52-3a4e-4d0e-9a55-0b7f2d1c9e01",
  type: "gov.test.thing.happened.v1",
  source: "gov.test",
  time: "2026-03-02T09:00:00.000+08:00",
  data: { n: 1 },
  actor: { id: "tester", role: "system" },
};
const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

describe("hash chain and the traceparent attribute", () => {
  it("gives an event the same hash with or without a traceparent (operational metadata, not the record)", () => {
    const [plain] = chainEvents("thing-1", undefined, [base]);
    const [traced] = chainEvents("thing-1", undefined, [{ ...base, traceparent }]);
    expect(traced?.traceparent).toBe(traceparent);
    expect(traced?.hash).toBe(plain?.hash);
    expect(
      hashEvent({
        ...(plain as RecordedEvent),
        traceparent: "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00",
      }),
    ).toBe(plain?.hash);
  });

  it("verifies a stream chained before traceparent existed, and one mixing both", () => {
    const old = chainEvents("thing-2", undefined, [
      base,
      { ...base, id: "6f1c1c52-3a4e-4d0e-9a55-0b7f2d1c9e02" },
    ]);
    const head = old.at(-1) as RecordedEvent;
    const newer = chainEvents("thing-2", { revision: head.streamversion, hash: head.hash }, [
      { ...base, id: "6f1c1c52-3a4e-4d0e-9a55-0b7f2d1c9e03", traceparent },
    ]);
    const stream = [...old, ...newer].map((e, i) => ({ ...e, position: String(i) }));
    expect(verifyChain("thing-2", stream)).toMatchObject({ ok: true, events: 3 });
  });

  it("still detects altered content next to a traceparent", () => {
    const [traced] = chainEvents("thing-3", undefined, [{ ...base, traceparent }]);
    const altered = { ...(traced as RecordedEvent), position: "0", data: { n: 2 } };
    expect(verifyChain("thing-3", [altered])).toMatchObject({ ok: false, reason: "hash-mismatch" });
  });
});
