import { randomUUID } from "node:crypto";
import type { NewEvent } from "../src/envelope.ts";
import type { CheckpointStore, EventStore } from "../src/event-store.ts";

export interface Row {
  backend: string;
  operation: string;
  events: number;
  adapter: number;
  raw: number;
}

/** The plain-statement baseline of one database. */
export interface RawDatabase {
  /** Inserts `rows` (stream id, version, JSON text) in one transaction. */
  insert(rows: readonly [string, number, string][]): Promise<void>;
  /** Reads every row after `after` (a sequence number), parsing the JSON; returns the last sequence seen. */
  selectPage(after: number, limit: number): Promise<{ count: number; last: number }>;
  saveCheckpoint(position: number): Promise<void>;
  /**
   * Runs `work` with an insert function for `writers` concurrent writers, each a transaction per call, on as
   * many connections as the database allows writers (PostgreSQL: one each; SQLite: one handle).
   */
  concurrently<T>(writers: number, work: (insert: RawDatabase["insert"]) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface BenchTarget {
  name: string;
  store: EventStore & { checkpoints: CheckpointStore };
  raw: RawDatabase;
  dispose(): Promise<void>;
}

/** About 1 KB of JSON per event, like an application with its material list. */
export function benchEvent(i: number): NewEvent {
  return {
    id: randomUUID(),
    type: "gov.intake.application.submitted.v1",
    source: "gov.intake",
    time: new Date(Date.UTC(2026, 2, 2, 1, 30, 0, i % 1000)).toISOString(),
    caseid: `application-${i}`,
    actor: { id: "clerk-0042", role: "window-clerk", department: "330106-市场监管局" },
    region: "330106",
    data: {
      applicant: { name: "杭州示例科技有限公司", creditCode: "91330106MA2XXXXXX0", contact: "0571-88888888" },
      matter: "330106-001-XK-0001",
      materials: Array.from({ length: 4 }, (_, m) => ({
        code: `M${m}`,
        name: `申请材料 ${m}：营业执照副本复印件（加盖公章）`,
        fileHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      })),
      n: i,
    },
  };
}
