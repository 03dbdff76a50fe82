import type { EventStoreDBClient } from "@eventstore/db-client";
import { CheckpointConflictError } from "../errors.ts";
import type { CheckpointStore } from "../event-store.ts";
import { errorType } from "./esdb-errors.ts";

/** The event type of checkpoint events: `$`-prefixed, so readAll and the wake-up subscription skip them. */
export const CHECKPOINT_EVENT_TYPE = "$gov.checkpoint";

/**
 * Each subscriber's checkpoint is the last event of its own stream (`<prefix><subscriber>`, default
 * `$checkpoint-<subscriber>`), capped at one event by `$maxCount: 1` stream metadata. Compare-and-set: the
 * new checkpoint is appended with the stream revision at which the previous value was read, so a racing
 * writer makes the server reject one of the two (wrong expected version → CheckpointConflictError).
 */
export class EsdbCheckpointStore implements CheckpointStore {
  readonly #client: EventStoreDBClient;
  readonly #prefix: string;

  constructor(client: EventStoreDBClient, prefix: string) {
    this.#client = client;
    this.#prefix = prefix;
  }

  async load(subscriberId: string): Promise<string | undefined> {
    return (await this.#last(subscriberId))?.position;
  }

  async store(subscriberId: string, position: string, previous: string | undefined): Promise<void> {
    const current = await this.#last(subscriberId);
    if (current?.position !== previous) {
      throw new CheckpointConflictError(subscriberId, previous, current?.position);
    }
    const stream = this.#stream(subscriberId);
    try {
      await this.#client.appendToStream(
        stream,
        {
          id: crypto.randomUUID(),
          contentType: "application/json",
          type: CHECKPOINT_EVENT_TYPE,
          data: { position },
          metadata: undefined,
        },
        { expectedRevision: current ? current.revision : "no_stream" },
      );
    } catch (error) {
      if (errorType(error) !== "wrong-expected-version") throw error;
      throw new CheckpointConflictError(subscriberId, previous, (await this.#last(subscriberId))?.position);
    }
    if (!current) await this.#client.setStreamMetadata(stream, { maxCount: 1 });
  }

  #stream(subscriberId: string): string {
    return `${this.#prefix}${subscriberId}`;
  }

  async #last(subscriberId: string): Promise<{ position: string; revision: bigint } | undefined> {
    try {
      const read = this.#client.readStream(this.#stream(subscriberId), {
        direction: "backwards",
        fromRevision: "end",
        maxCount: 1,
      });
      for await (const resolved of read) {
        const event = resolved.event;
        const data = event?.data as { position?: unknown } | undefined;
        if (event && typeof data?.position === "string")
          return { position: data.position, revision: event.revision };
      }
      return undefined;
    } catch (error) {
      if (errorType(error) === "stream-not-found") return undefined;
      throw error;
    }
  }
}
