import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type AuditEventData, auditEventSchemas, auditEventTypes } from "@gov/contracts";
import {
  type CommandContext,
  type EventStore,
  EventTypes,
  eventMetadata,
  toNewEvent,
} from "@gov/eventsourcing";
import { leafHash, MerkleTree, verifyConsistency, verifyInclusion } from "@gov/merkle";
import type { AuditKey } from "@gov/runtime";
import { type Checkpoint, signCheckpoint, verifyCheckpoint } from "../domain/ledger/checkpoint.ts";
import type { Trail } from "../read-models/trail.ts";

export const SOURCE = "gov.audit";

type CheckpointEvent = { type: "CheckpointSigned"; data: AuditEventData["CheckpointSigned"] };
const checkpointTypes = new EventTypes<CheckpointEvent>(
  { CheckpointSigned: auditEventTypes.CheckpointSigned },
  { schemas: { CheckpointSigned: auditEventSchemas.CheckpointSigned } },
);

/** A checkpoint's own stream: one per tree size, so signing the same size twice appends nothing new. */
export const checkpointStream = (treeSize: number) => `checkpoint-${treeSize}`;

/** The leaf of an event: its stored hash (64 hex characters) as 32 bytes, hashed with RFC 9162's 0x00 prefix. */
export const eventLeaf = (hash: string): Buffer => leafHash(Buffer.from(hash, "hex"));

export interface InclusionProof {
  eventId: string;
  logIndex: number;
  treeSize: number;
  leafHash: string;
  path: string[];
}

export interface ConsistencyProof {
  from: number;
  to: number;
  path: string[];
}

export interface LedgerDeps {
  store: EventStore;
  trail: Trail;
  key: AuditKey;
  /** Where checkpoint files are written (`<DATA_DIR>/audit-checkpoints`); none when undefined. */
  checkpointDir: string | undefined;
}

/**
 * The whole-log Merkle tree (RFC 9162 §2.1) over every event's hash in log order, as the trail holds them, and
 * its signed checkpoints. The tree is kept in memory and extended from the trail's committed rows before each use.
 */
export class AuditLedger {
  readonly tree = new MerkleTree();
  private syncing: Promise<void> = Promise.resolve();

  private readonly deps: LedgerDeps;
  constructor(deps: LedgerDeps) {
    this.deps = deps;
  }

  /** Extends the tree with the trail's rows it does not have yet. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      for (;;) {
        const leaves = await this.deps.trail.leavesFrom(this.tree.size, 5000);
        for (const leaf of leaves) {
          if (leaf.logIndex !== this.tree.size)
            throw new Error(`audit trail has a gap at log index ${this.tree.size}`);
          this.tree.appendLeafHash(eventLeaf(leaf.hash));
        }
        if (leaves.length < 5000) return;
      }
    });
    return this.syncing;
  }

  /**
   * Signs a checkpoint of the tree as it stands, publishes it as an event (`checkpoint-<size>`) and, when a
   * folder is set, as the file `checkpoint-<size>.json`. Signing a size already signed returns the first one.
   */
  async checkpoint(ctx: CommandContext): Promise<Checkpoint> {
    await this.sync();
    const treeSize = this.tree.size;
    const existing = (await this.deps.store.readStream(checkpointStream(treeSize)))[0];
    if (existing) return auditEventSchemas.CheckpointSigned.parse(existing.data);
    const signed = signCheckpoint(
      { treeSize, rootHash: this.tree.rootHash().toString("hex"), signedAt: ctx.now },
      this.deps.key.privateKey,
      this.deps.key.publicKeyBase64,
    );
    const event: CheckpointEvent = { type: "CheckpointSigned", data: signed };
    await this.deps.store.append(
      checkpointStream(treeSize),
      [toNewEvent(checkpointTypes, event, randomUUID(), eventMetadata(SOURCE, ctx))],
      "any",
    );
    if (this.deps.checkpointDir) {
      await mkdir(this.deps.checkpointDir, { recursive: true });
      await writeFile(
        join(this.deps.checkpointDir, `checkpoint-${treeSize}.json`),
        `${JSON.stringify({ ...signed, publicKey: this.deps.key.publicKeyBase64 }, null, 2)}\n`,
      );
    }
    return signed;
  }

  /** Every checkpoint published in the log, oldest first. */
  async checkpoints(): Promise<Checkpoint[]> {
    const out: Checkpoint[] = [];
    let after = -1;
    for (;;) {
      const page = await this.deps.trail.ofType([auditEventTypes.CheckpointSigned], after, 1000);
      for (const e of page) out.push(auditEventSchemas.CheckpointSigned.parse(e.data));
      if (page.length < 1000) break;
      after = (page.at(-1) as { logIndex: number }).logIndex;
    }
    return out.sort((a, b) => a.treeSize - b.treeSize);
  }

  async latestCheckpoint(): Promise<Checkpoint | undefined> {
    return (await this.checkpoints()).at(-1);
  }

  /** PATH (RFC 9162 §2.1.3.1) of the event at `logIndex` in the tree of `treeSize` leaves. */
  async inclusion(eventId: string, logIndex: number, treeSize: number): Promise<InclusionProof> {
    await this.sync();
    return {
      eventId,
      logIndex,
      treeSize,
      leafHash: this.tree.leafHashAt(logIndex).toString("hex"),
      path: this.tree.inclusionProof(logIndex, treeSize).map((h) => h.toString("hex")),
    };
  }

  /** PROOF (RFC 9162 §2.1.4.1) that the tree of `to` leaves extends the tree of `from` leaves. */
  async consistency(from: number, to: number): Promise<ConsistencyProof> {
    await this.sync();
    return { from, to, path: this.tree.consistencyProof(from, to).map((h) => h.toString("hex")) };
  }
}

export { verifyCheckpoint, verifyConsistency, verifyInclusion };
