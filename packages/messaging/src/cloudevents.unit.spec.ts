import { hashEvent } from "@gov/eventsourcing";
import { describe, expect, it } from "vitest";
import { fromKafkaMessage, NotACloudEventError, toKafkaMessage } from "./cloudevents.ts";
import type { BusEvent } from "./event-bus.ts";
import { keyOf, parseTopic, topicOf } from "./topics.ts";

const event: BusEvent = {
  specversion: "1.0",
  id: "7d0c1b7e-3f3a-4c1e-9b1a-0c0b7f3e2a11",
  type: "gov.intake.application.accepted.v1",
  source: "gov.intake",
  subject: "application-A1",
  time: "2026-03-02T09:00:00.000+08:00",
  data: { matterId: "food-licence", materials: ["营业执照"] },
  caseid: "A1",
  causationid: "c-1",
  correlationid: "r-1",
  region: "440305",
  actor: { id: "clerk-1", role: "window-clerk", department: "D001" },
  streamversion: 3,
  prevhash: "a".repeat(64),
  hash: "b".repeat(64),
};

describe("CloudEvents Kafka binding (binary mode)", () => {
  it("round-trips every attribute and extension through headers, the data through the body", () => {
    const message = toKafkaMessage(event);
    expect(message.key).toBe("A1");
    expect(message.headers).toMatchObject({
      ce_specversion: "1.0",
      ce_type: event.type,
      ce_actorrole: "window-clerk",
    });
    const headers = Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]),
    );
    expect(fromKafkaMessage({ headers, value: Buffer.from(String(message.value)) })).toEqual(event);
  });

  it("leaves absent optional attributes out, so the decoded envelope hashes the same", () => {
    const { caseid: _c, causationid: _x, correlationid: _r, region: _g, ...bare } = event;
    const plain = { ...bare, actor: { id: "system", role: "system" as const } };
    const withHash = { ...plain, hash: hashEvent(plain) };
    const message = toKafkaMessage(withHash);
    expect(Object.keys(message.headers ?? {})).not.toContain("ce_caseid");
    expect(message.key).toBe("application-A1");
    const back = fromKafkaMessage({ headers: message.headers, value: message.value as string });
    expect(hashEvent(back)).toBe(withHash.hash);
  });

  it("carries the envelope's traceparent as ce_traceparent (outside the hash) and the hop's as the W3C traceparent header", () => {
    const stored = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const hop = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01";
    const traced = { ...event, traceparent: stored, hash: hashEvent(event) };
    const message = toKafkaMessage(traced, { traceparent: hop, other: "ignored" });
    expect(message.headers).toMatchObject({ ce_traceparent: stored, traceparent: hop });
    expect(Object.keys(message.headers ?? {})).not.toContain("other");
    const back = fromKafkaMessage({ headers: message.headers, value: message.value as string });
    expect(back.traceparent).toBe(stored);
    expect(hashEvent(back)).toBe(traced.hash); // W3C Trace Context is operational metadata, not hashed
    expect(Object.keys(toKafkaMessage(event).headers ?? {})).not.toContain("traceparent");
  });

  it("names what is missing or malformed in a message that is not one of ours", () => {
    expect(() => fromKafkaMessage({ headers: {}, value: "{}" })).toThrow(/ce_specversion is missing/);
    const message = toKafkaMessage(event);
    expect(() => fromKafkaMessage({ headers: message.headers, value: "not json" })).toThrow(
      NotACloudEventError,
    );
  });
});

describe("topics and keys", () => {
  it("one topic per service and aggregate category (gov.<service>.<category>.v1)", () => {
    expect(topicOf(event)).toBe("gov.intake.application.v1");
    expect(topicOf({ source: "gov.matters", subject: "matter-food-1" })).toBe("gov.matters.matter.v1");
    expect(parseTopic("gov.credit.subject.v1")).toEqual({ service: "credit", category: "subject" });
    expect(parseTopic("other")).toBeUndefined();
  });

  it("keys by case id so one application's events stay in order, else by stream", () => {
    expect(keyOf(event)).toBe("A1");
    expect(keyOf({ subject: "matter-food-1" })).toBe("matter-food-1");
  });
});
