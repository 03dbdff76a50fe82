import { randomUUID } from "node:crypto";
import { type AuditEventData, auditEventSchemas, auditEventTypes } from "@gov/contracts";
import {
  type CommandContext,
  type EventStore,
  EventTypes,
  eventMetadata,
  toNewEvent,
} from "@gov/eventsourcing";
import type { Trail } from "../read-models/trail.ts";
import { SOURCE } from "./ledger.ts";

type ReadEvent = { type: "ReadRecorded"; data: AuditEventData["ReadRecorded"] };
const readTypes = new EventTypes<ReadEvent>(
  { ReadRecorded: auditEventTypes.ReadRecorded },
  { schemas: { ReadRecorded: auditEventSchemas.ReadRecorded } },
);

/** Where one auditor's reads are recorded: a stream per auditor, so that reads never conflict. */
export const accessStream = (auditorId: string) => `access-${auditorId.replace(/[^A-Za-z0-9_.:-]/g, "_")}`;

/**
 * Records who read which case, when and why, before the answer is given (个人信息保护法 第五十一条; GB/T
 * 22239-2019 安全审计). The record is an event of the log, so it is itself covered by the Merkle tree.
 */
export async function recordRead(
  store: EventStore,
  read: AuditEventData["ReadRecorded"],
  ctx: CommandContext,
): Promise<void> {
  const event: ReadEvent = { type: "ReadRecorded", data: read };
  await store.append(
    accessStream(ctx.actor.id),
    [toNewEvent(readTypes, event, randomUUID(), eventMetadata(SOURCE, ctx))],
    "any",
  );
}

export interface AccessRecord {
  logIndex: number;
  time: string;
  by: { id: string; role: string; department?: string };
  what: string;
  target: string;
  reason: string;
  query?: string;
}

/** A page of recorded reads, oldest first, optionally only those of one case key or one auditor. */
export async function accessLog(
  trail: Trail,
  filter: { target?: string; auditor?: string; after: number; limit: number },
): Promise<{ items: AccessRecord[]; next?: string }> {
  const items: AccessRecord[] = [];
  let after = filter.after;
  for (;;) {
    const page = await trail.ofType([auditEventTypes.ReadRecorded], after, 500);
    for (const e of page) {
      after = e.logIndex;
      const d = auditEventSchemas.ReadRecorded.parse(e.data);
      if (filter.target !== undefined && d.target !== filter.target) continue;
      if (filter.auditor !== undefined && e.actor.id !== filter.auditor) continue;
      items.push({ logIndex: e.logIndex, time: e.time, by: e.actor, ...d });
      if (items.length === filter.limit) return { items, next: String(e.logIndex) };
    }
    if (page.length < 500) return { items };
  }
}
