import { randomUUID } from "node:crypto";
import { matterPublished, mattersEventTypes, topics } from "@gov/contracts";
import type { CommandContext } from "@gov/eventsourcing";
import { dropSchema, freshSchema, openTestStore, probePostgres } from "@gov/eventsourcing/testing/postgres";
import { connectKafka, runRelay } from "@gov/messaging";
import { spawnChild } from "@gov/messaging/testing";
import { kafkaBrokers, probeKafka, useBackend } from "@gov/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import { validElements } from "../domain/matter/fixtures.ts";
import { matterHandler } from "./commands.ts";

const suite = "MatterPublished over Kafka to another process";
const run =
  useBackend("postgres", suite, await probePostgres()) && useBackend("kafka", suite, await probeKafka());

describe.skipIf(!run)(suite, () => {
  const schema = freshSchema("matters_kafka");
  afterAll(() => dropSchema(schema));

  it("a subscriber in its own process receives MatterPublished carrying the full published version", async () => {
    const store = await openTestStore(schema);
    const matters = matterHandler(store);
    const matterId = `food-${randomUUID().slice(0, 8)}`;
    const elements = validElements();
    const admin: CommandContext = {
      now: "2026-03-02T09:00:00+08:00",
      actor: { id: "admin-1", role: "admin" },
    };
    await matters.handle(matterId, { type: "DraftMatter", data: { matterId, elements } }, admin);
    await matters.handle(
      matterId,
      { type: "ClaimMatter", data: {} },
      {
        ...admin,
        actor: { id: "o-1", role: "officer", department: elements.implementingDepartment.creditCode },
      },
    );
    await matters.handle(matterId, { type: "PublishMatter", data: {} }, admin);

    const kafka = connectKafka({ brokers: kafkaBrokers(), clientId: "matters-test" });
    const controller = new AbortController();
    const relay = runRelay({
      store,
      checkpoints: store.checkpoints,
      publisher: kafka.publisher,
      owner: "matters-test",
      filter: { categories: ["matter", "bundle"] },
      signal: controller.signal,
    });
    const subscriber = spawnChild("print-consumer.ts", [
      kafkaBrokers().join(","),
      `integration-${matterId}`,
      topics.matters.matter,
    ]);
    type Line = { type: string; subject: string; data: unknown; actor: { id: string } };
    const published = () =>
      (subscriber.jsonLines as Line[]).find(
        (e) => e.type === mattersEventTypes.MatterPublished && e.subject === `matter-${matterId}`,
      );
    await vi.waitFor(() => expect(published(), subscriber.stderr).toBeDefined(), {
      timeout: 60_000,
      interval: 100,
    });
    const event = published() as Line;
    // The subscriber needs nothing but the contract: the whole version is in the event.
    const data = matterPublished.parse(event.data);
    expect(data).toMatchObject({ matterId, version: 1, elements });
    expect(event.actor.id).toBe("admin-1");
    await subscriber.kill("SIGTERM");
    controller.abort();
    await relay;
    await kafka.close();
    await store.close();
  });
});
