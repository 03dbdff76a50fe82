import { asyncApiDocument } from "@gov/contracts/asyncapi";
import { describe, expect, it } from "vitest";
import { toKafkaMessage } from "./cloudevents.ts";
import type { BusEvent } from "./event-bus.ts";

type HeaderSchema = {
  properties: Record<string, { const?: string; pattern?: string; enum?: string[] }>;
  required: string[];
};
const headers = asyncApiDocument(["intake"]).components.schemas.CloudEventHeaders as HeaderSchema;

const minimal: BusEvent = {
  specversion: "1.0",
  id: "7d0c1b7e-3f3a-4c1e-9b1a-0c0b7f3e2a11",
  type: "gov.matters.matter.published.v1",
  source: "gov.matters",
  subject: "matter-food-licence",
  time: "2026-03-02T01:00:00.000Z",
  data: { matterId: "food-licence" },
  actor: { id: "system", role: "system" },
  streamversion: 0,
  prevhash: "0".repeat(64),
  hash: "c".repeat(64),
};
const full: BusEvent = {
  ...minimal,
  caseid: "A1",
  causationid: "c-1",
  correlationid: "r-1",
  region: "440305",
  actor: { id: "clerk-1", role: "window-clerk", department: "D001" },
  streamversion: 12,
  traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
};
/** The relay's publish span's context, as the propagators write it (startPublishBatch). */
const hop = {
  traceparent: "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01",
  tracestate: "vendor=1",
};

const written = (event: BusEvent) => toKafkaMessage(event, hop).headers as Record<string, string>;

describe("the AsyncAPI documents describe the headers exactly as the relay writes them", () => {
  it("every header the relay writes is described, and its value fits the description", () => {
    for (const [name, value] of Object.entries(written(full))) {
      const schema = headers.properties[name];
      expect(schema, `header ${name} is not in the AsyncAPI documents`).toBeDefined();
      if (schema?.const !== undefined) expect(value, name).toBe(schema.const);
      if (schema?.pattern !== undefined) expect(value, name).toMatch(new RegExp(schema.pattern));
      if (schema?.enum !== undefined) expect(schema.enum, name).toContain(value);
    }
  });

  it("every header the documents call required is written even for an event with no optional attribute", () => {
    expect(Object.keys(toKafkaMessage(minimal).headers ?? {}).sort()).toEqual([...headers.required].sort());
  });
});
