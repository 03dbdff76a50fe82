import { describe, expect, it } from "vitest";
import { chunkBySize, messageSize, type TopicMessage } from "./request-chunks.ts";

const msg = (id: string, bytes: number): TopicMessage => ({
  topic: "gov.test.thing.v1",
  message: { key: "k", value: "v".repeat(bytes), headers: { ce_id: id } },
});

describe("splitting a relay page into requests the broker accepts", () => {
  it("counts key, value and headers", () => {
    expect(messageSize(msg("a", 10).message)).toBe(1 + 10 + "ce_id".length + 1);
  });

  it("keeps the order and stays under the limit", () => {
    const page = Array.from({ length: 10 }, (_, i) => msg(String(i), 94));
    const chunks = chunkBySize(page, 350);
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 3, 1]);
    expect(chunks.flat()).toEqual(page);
    for (const c of chunks)
      expect(c.reduce((n, m) => n + messageSize(m.message), 0)).toBeLessThanOrEqual(350);
  });

  it("refuses one message over the limit, naming the event", () => {
    expect(() => chunkBySize([msg("ok", 10), msg("huge-1", 400)], 350)).toThrow(/huge-1.*350-byte limit/);
  });

  it("sends nothing for an empty page", () => {
    expect(chunkBySize([])).toEqual([]);
  });
});
