import type { CheckpointStore, EventStore } from "../event-store.ts";

/**
 * What the shared event-store contract suite needs from an adapter's test set-up. Each adapter's
 * `*.int.spec.ts` builds one of these against a real server (SQLite file, PostgreSQL database,
 * EventStoreDB) and hands it to `describeEventStoreContract`.
 */
export interface ContractHarness {
  /** A fresh, empty store (own file, database or schema, or a unique stream prefix on a shared server). */
  store: EventStore;
  checkpoints: CheckpointStore;
  /** Opens a second, independent handle on the same storage (another "process" for crash/resume tests). */
  reopen(): Promise<{ store: EventStore; checkpoints: CheckpointStore }>;
  /** Tampering straight in the database, bypassing the adapter, for hash-chain verification tests. */
  tamper: {
    /** Replace the stored `data` of one event. */
    alterData(streamId: string, revision: number, data: unknown): Promise<void>;
    /** Remove one stored event. Adapters that cannot remove a single event (EventStoreDB) omit this. */
    remove?(streamId: string, revision: number): Promise<void>;
  };
  /**
   * Whether two writers can hold open transactions at once (PostgreSQL: yes; SQLite: one writer at a time;
   * EventStoreDB: the server orders writes). The gap scenario runs only where this is true.
   */
  concurrentTransactions: boolean;
  /**
   * Whether `appendMany` writes several streams atomically (SQLite, PostgreSQL). False for EventStoreDB, which
   * refuses more than one stream with `MultiStreamAppendUnsupportedError`; the suite checks that instead.
   */
  multiStreamAtomic?: boolean;
  /** Drops everything the harness created. */
  dispose(): Promise<void>;
}
