import { type EventStore, GENESIS_HASH, hashEvent, type RecordedEvent } from "@gov/eventsourcing";
import { MerkleTree, verifyConsistency } from "@gov/merkle";
import { type Checkpoint, verifyCheckpoint } from "../domain/ledger/checkpoint.ts";
import type { Trail, TrailLeaf } from "../read-models/trail.ts";
import { eventLeaf } from "./ledger.ts";

export type EventFailureReason =
  | "hash-mismatch"
  | "broken-link"
  | "missing-revision"
  | "missing-from-store"
  | "not-in-trail";

/** The first event at fault: where it is and what is wrong with it. */
export interface EventFailure {
  eventId: string;
  stream: string;
  revision: number;
  logIndex: number;
  reason: EventFailureReason;
  message: string;
}

export interface CheckpointResult {
  treeSize: number;
  ok: boolean;
  reason?: "bad-signature" | "wrong-key" | "log-shorter" | "root-mismatch" | "inconsistent";
  message?: string;
}

export interface StoreVerification {
  ok: boolean;
  events: number;
  streams: number;
  /** The first event at fault in log order, if any. */
  firstFailure?: EventFailure;
  checkpoints: CheckpointResult[];
  rootHash: string;
}

/**
 * Verifies the whole store, reading its log once in order:
 * 1. per stream, the store's own hash chain (the same `hashEvent` the store wrote with, RFC 8785 + SHA-256):
 *    versions contiguous from 0, each `prevhash` the hash of the event before, each hash matching the content;
 * 2. the audit trail's copy: the i-th event of the log is the i-th event the trail recorded (a deleted event the
 *    trail saw is named by its id);
 * 3. the Merkle tree rebuilt from the store's hashes against every signed checkpoint: signature, root at the
 *    checkpoint's size, and the consistency proof from each checkpoint to the next (RFC 9162 §2.1.4).
 */
export async function verifyStore(
  store: EventStore,
  trail: Trail | undefined,
  checkpoints: readonly Checkpoint[],
  publicKeyBase64: string,
): Promise<StoreVerification> {
  const tree = new MerkleTree();
  const heads = new Map<string, { revision: number; hash: string }>();
  let firstFailure: EventFailure | undefined;
  let after: string | undefined;
  let trailPage: TrailLeaf[] = [];
  let trailOffset = 0;
  const trailAt = async (index: number): Promise<TrailLeaf | undefined> => {
    if (!trail) return undefined;
    if (index >= trailOffset + trailPage.length || index < trailOffset) {
      trailPage = await trail.leavesFrom(index, 5000);
      trailOffset = index;
    }
    return trailPage[index - trailOffset];
  };
  const fail = (e: RecordedEvent, index: number, reason: EventFailureReason, message: string) => {
    firstFailure ??= {
      eventId: e.id,
      stream: e.subject,
      revision: e.streamversion,
      logIndex: index,
      reason,
      message,
    };
  };
  for (;;) {
    // The stored rows themselves: this is what checks them against tampering.
    const page = await store.readAll({ ...(after ? { after } : {}), limit: 2000, fromStorage: true });
    for (const e of page.events) {
      const index = tree.size;
      const head = heads.get(e.subject);
      const expected = head ? head.revision + 1 : 0;
      if (!firstFailure && trail) {
        const seen = await trailAt(index);
        if (seen && seen.id !== e.id) {
          const later = await trail.byId(e.id);
          if (later && later.logIndex > index) {
            // The trail recorded an event here that the store no longer has.
            firstFailure = {
              eventId: seen.id,
              stream: seen.stream,
              revision: seen.version,
              logIndex: index,
              reason: "missing-from-store",
              message: `event ${seen.id} (${seen.stream} revision ${seen.version}), recorded at log index ${index}, is missing from the store`,
            };
          } else {
            fail(
              e,
              index,
              "not-in-trail",
              `log index ${index} holds ${e.id} where the trail recorded ${seen.id} (${seen.stream} revision ${seen.version})`,
            );
          }
        }
      }
      if (e.streamversion !== expected) {
        fail(
          e,
          index,
          "missing-revision",
          `${e.subject}: expected revision ${expected}, found ${e.streamversion}`,
        );
      } else if (e.prevhash !== (head?.hash ?? GENESIS_HASH)) {
        fail(
          e,
          index,
          "broken-link",
          `${e.subject} revision ${e.streamversion}: prevhash is not the hash of the event before`,
        );
      } else if (hashEvent(e) !== e.hash) {
        fail(
          e,
          index,
          "hash-mismatch",
          `${e.subject} revision ${e.streamversion}: stored content does not match its hash (altered)`,
        );
      }
      heads.set(e.subject, { revision: e.streamversion, hash: e.hash });
      tree.appendLeafHash(eventLeaf(e.hash));
    }
    if (page.endOfLog || page.nextPosition === undefined || page.nextPosition === after) break;
    after = page.nextPosition;
  }
  if (!firstFailure && trail) {
    // Events the trail recorded after the store's last one: removed from the end of the log.
    const missing = (await trail.leavesFrom(tree.size, 1))[0];
    if (missing) {
      firstFailure = {
        eventId: missing.id,
        stream: missing.stream,
        revision: missing.version,
        logIndex: missing.logIndex,
        reason: "missing-from-store",
        message: `event ${missing.id} (${missing.stream} revision ${missing.version}), recorded at log index ${missing.logIndex}, is missing from the store`,
      };
    }
  }
  const results = checkCheckpoints(tree, checkpoints, publicKeyBase64);
  const ok = !firstFailure && results.every((r) => r.ok);
  return {
    ok,
    events: tree.size,
    streams: heads.size,
    ...(firstFailure ? { firstFailure } : {}),
    checkpoints: results,
    rootHash: tree.rootHash().toString("hex"),
  };
}

/** Each checkpoint against the tree rebuilt from the store, and each one's consistency with the next. */
export function checkCheckpoints(
  tree: MerkleTree,
  checkpoints: readonly Checkpoint[],
  publicKeyBase64: string,
): CheckpointResult[] {
  const sorted = [...checkpoints].sort((a, b) => a.treeSize - b.treeSize);
  return sorted.map((c, i): CheckpointResult => {
    const signature = verifyCheckpoint(c, publicKeyBase64);
    if (!signature.ok)
      return { treeSize: c.treeSize, ok: false, reason: signature.reason, message: signature.message };
    if (c.treeSize > tree.size) {
      return {
        treeSize: c.treeSize,
        ok: false,
        reason: "log-shorter",
        message: `the log has ${tree.size} events, fewer than the ${c.treeSize} this checkpoint signed: events were removed`,
      };
    }
    const root = tree.rootHash(c.treeSize).toString("hex");
    const previous = i > 0 ? sorted[i - 1] : undefined;
    if (previous && previous.treeSize <= tree.size) {
      const proof = tree.consistencyProof(previous.treeSize, c.treeSize);
      const consistent = verifyConsistency(
        previous.treeSize,
        c.treeSize,
        Buffer.from(previous.rootHash, "hex"),
        Buffer.from(c.rootHash, "hex"),
        proof,
      );
      if (!consistent.ok) {
        return {
          treeSize: c.treeSize,
          ok: false,
          reason: "inconsistent",
          message: `the store's log does not prove checkpoint ${c.treeSize} extends checkpoint ${previous.treeSize}: ${consistent.message}`,
        };
      }
    }
    if (root !== c.rootHash) {
      return {
        treeSize: c.treeSize,
        ok: false,
        reason: "root-mismatch",
        message: `the first ${c.treeSize} events of the log no longer have the signed root: the log before this checkpoint was rewritten`,
      };
    }
    return { treeSize: c.treeSize, ok: true };
  });
}
