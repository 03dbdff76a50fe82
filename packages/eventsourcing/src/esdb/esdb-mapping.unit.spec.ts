import { randomUUID } from "node:crypto";
import type { AllStreamResolvedEvent } from "@eventstore/db-client";
import { describe, expect, test } from "vitest";
import { chainEvents, verifyChain } from "../hash-chain.ts";
import {
  compareInstants,
  formatEsdbPosition,
  parseEsdbPosition,
  toEventData,
  toRecordedEvent,
} from "./esdb-mapping.ts";

/** What the client hands back for an event the adapter wrote: data and metadata through JSON, id lower-cased. */
function asServerReturns(
  data: ReturnType<typeof toEventData>,
  position: { commit: bigint; prepare: bigint },
) {
  const resolved: AllStreamResolvedEvent = {
    event: {
      streamId: "application-1",
      id: data.id.toLowerCase(),
      isJson: true,
      revision: 0n,
      type: data.type,
      created: new Date(),
      data: JSON.parse(JSON.stringify(data.data)),
      metadata: JSON.parse(JSON.stringify(data.metadata)),
      position,
    },
  };
  return resolved;
}

describe("EventStoreDB envelope mapping", () => {
  test("an event written and read back keeps its envelope, so its hash verifies", () => {
    const id = randomUUID().toUpperCase();
    const [chained] = chainEvents("application-1", undefined, [
      {
        id,
        type: "gov.intake.application.submitted.v1",
        source: "gov.intake",
        time: "2026-03-02T09:30:00.123456+08:00",
        data: { materials: ["身份证", "营业执照"], amount: 0.1 },
        caseid: "application-1",
        actor: { id: "clerk-7", role: "window-clerk", department: "市场监管局" },
        region: "330106",
      },
    ]);
    const data = toEventData(chained as NonNullable<typeof chained>);
    expect(data.data).toEqual({ materials: ["身份证", "营业执照"], amount: 0.1 });
    const recorded = toRecordedEvent(asServerReturns(data, { commit: 42n, prepare: 40n }));
    expect(recorded?.id).toBe(id);
    expect(recorded?.position).toBe("42/40");
    expect(verifyChain("application-1", recorded ? [recorded] : []).ok).toBe(true);
  });

  test("system events and events without this platform's envelope are skipped", () => {
    const [chained] = chainEvents("application-1", undefined, [
      {
        id: randomUUID(),
        type: "t.v1",
        source: "s",
        time: "2026-01-01T00:00:00Z",
        data: null,
        actor: { id: "a", role: "system" },
      },
    ]);
    const data = toEventData(chained as NonNullable<typeof chained>);
    expect(
      toRecordedEvent(asServerReturns({ ...data, type: "$metadata" }, { commit: 1n, prepare: 1n })),
    ).toBeUndefined();
    expect(
      toRecordedEvent(asServerReturns({ ...data, metadata: { foreign: true } }, { commit: 1n, prepare: 1n })),
    ).toBeUndefined();
    expect(toRecordedEvent(asServerReturns(data, { commit: 1n, prepare: 1n }))?.data).toBeNull();
  });

  test("positions round-trip and reject other shapes", () => {
    expect(parseEsdbPosition(formatEsdbPosition({ commit: 18446744073709551615n, prepare: 7n }))).toEqual({
      commit: 18446744073709551615n,
      prepare: 7n,
    });
    expect(() => parseEsdbPosition("12:13")).toThrow(/EventStoreDB position/);
  });

  test("instants compare exactly across offsets and below the millisecond", () => {
    expect(compareInstants("2026-03-02T09:30:00+08:00", "2026-03-02T01:30:00Z")).toBe(0);
    expect(compareInstants("2026-03-02T01:30:00.0001Z", "2026-03-02T01:30:00Z")).toBe(1);
    expect(compareInstants("2026-03-02T01:29:59.999999Z", "2026-03-02T09:30:00.000+08:00")).toBe(-1);
  });
});
