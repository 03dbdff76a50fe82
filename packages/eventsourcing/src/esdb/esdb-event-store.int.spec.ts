import { randomUUID } from "node:crypto";
import type { EventStoreDBClient } from "@eventstore/db-client";
import { useBackend } from "@gov/testing";
import { afterAll, describe, expect, test } from "vitest";
import type { NewEvent } from "../envelope.ts";
import { ConcurrencyError, IdempotencyConflictError, StreamDeletedError } from "../errors.ts";
import { verifyChain } from "../hash-chain.ts";
import type { ContractHarness } from "../testing/contract-harness.ts";
import { describeEventStoreContract } from "../testing/event-store-contract.ts";
import { type EsdbEventStore, openEsdbEventStore } from "./esdb-event-store.ts";
import { startEsdbTestServer } from "./esdb-test-server.ts";

const suite = "eventsourcing/esdb adapter";
const server = await startEsdbTestServer();
const skipReason = "reason" in server ? server.reason : undefined;
const run = useBackend("esdb", suite, skipReason === undefined ? true : { reason: skipReason });
const connectionString = "connectionString" in server ? server.connectionString : "";

afterAll(async () => {
  if ("stop" in server) await server.stop();
});

/** A store on its own stream prefix: the server is shared, so `$all` reads see only this harness's streams. */
async function makeEsdbHarness(): Promise<ContractHarness> {
  const streamPrefix = `t${randomUUID().replaceAll("-", "").slice(0, 12)}.`;
  const open = () => openEsdbEventStore({ connectionString, streamPrefix });
  const store = await open();
  const opened: EsdbEventStore[] = [store];
  return {
    store,
    checkpoints: store.checkpoints,
    async reopen() {
      const again = await open();
      opened.push(again);
      return { store: again, checkpoints: again.checkpoints };
    },
    tamper: {
      alterData: (streamId, revision, data) =>
        rewriteWithAlteredData(store.client, streamPrefix + streamId, revision, data),
    },
    concurrentTransactions: false,
    multiStreamAtomic: false,
    async dispose() {
      await Promise.all(opened.map((s) => s.close()));
    },
  };
}

/**
 * EventStoreDB never changes a written event. The closest real tampering is an administrator rewriting a
 * stream: truncate it (`$tb`) and append copies, one with altered data, under the original envelopes.
 */
async function rewriteWithAlteredData(
  client: EventStoreDBClient,
  stream: string,
  revision: number,
  data: unknown,
): Promise<void> {
  const originals = [];
  for await (const resolved of client.readStream(stream)) if (resolved.event) originals.push(resolved.event);
  const last = originals.at(-1);
  if (!last) throw new Error(`stream ${stream} is empty`);
  await client.setStreamMetadata(stream, { truncateBefore: Number(last.revision) + 1 });
  await client.appendToStream(
    stream,
    originals.map((event) => {
      const envelope = event.metadata as { streamversion?: number };
      return {
        id: randomUUID(),
        contentType: "application/json" as const,
        type: event.type,
        data: (envelope.streamversion === revision ? data : event.data) as Record<string, unknown>,
        metadata: event.metadata as Record<string, unknown>,
      };
    }),
  );
}

function newEvent(data: NewEvent["data"] = {}): NewEvent {
  return {
    id: randomUUID(),
    type: "gov.test.thing.happened.v1",
    source: "gov.test",
    time: "2026-03-02T09:30:00.000+08:00",
    data,
    actor: { id: "tester", role: "system" },
  };
}

describe.skipIf(!run)(
  `EventStoreDB adapter specifics${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    test("append, read back with the chain intact, positions as <commit>/<prepare>", async () => {
      const harness = await makeEsdbHarness();
      try {
        const first = await harness.store.append(
          "app-1",
          [newEvent({ n: 1 }), newEvent({ n: 2 })],
          "no-stream",
        );
        expect(first.nextExpectedRevision).toBe(1);
        expect(first.positions[0]).toMatch(/^\d+\/\d+$/);
        await expect(harness.store.append("app-1", [newEvent()], "no-stream")).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        const events = await harness.store.readStream("app-1");
        expect(verifyChain("app-1", events).ok).toBe(true);
        const log = await harness.store.readAll();
        expect(log.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
      } finally {
        await harness.dispose();
      }
    });

    test("idempotent retry returns the original result; same id with other content is a conflict", async () => {
      const harness = await makeEsdbHarness();
      try {
        const batch = [newEvent()];
        const first = await harness.store.append("idem-1", batch, "no-stream");
        await harness.store.append("idem-1", [newEvent()], 0);
        expect(await harness.store.append("idem-1", batch, "no-stream")).toEqual(first);
        await expect(
          harness.store.append("idem-1", [{ ...(batch[0] as NewEvent), data: { other: true } }], "any"),
        ).rejects.toBeInstanceOf(IdempotencyConflictError);
      } finally {
        await harness.dispose();
      }
    });

    test("checkpoints compare-and-set; soft delete keeps the events", async () => {
      const harness = await makeEsdbHarness();
      try {
        await harness.checkpoints.store("sub", "1/1", undefined);
        await harness.checkpoints.store("sub", "2/2", "1/1");
        await expect(harness.checkpoints.store("sub", "3/3", "1/1")).rejects.toMatchObject({
          name: "CheckpointConflictError",
        });
        expect(await harness.checkpoints.load("sub")).toBe("2/2");
        await harness.store.append("gone-1", [newEvent()], "no-stream");
        await harness.store.softDeleteStream("gone-1");
        await expect(harness.store.readStream("gone-1")).rejects.toBeInstanceOf(StreamDeletedError);
        expect((await harness.store.readAll()).events).toHaveLength(1);
      } finally {
        await harness.dispose();
      }
    });
  },
);

describe.skipIf(!run)("EventStoreDB against the shared contract", () => {
  describeEventStoreContract("esdb", makeEsdbHarness);
});
