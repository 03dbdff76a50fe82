import { createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { hashEvent, type RecordedEvent } from "@gov/eventsourcing";
import { leafHash, verifyInclusion } from "@gov/merkle";
import canonicalize from "canonicalize";
import { type Checkpoint, keyIdOf, verifyCheckpoint } from "../domain/ledger/checkpoint.ts";

/**
 * An export bundle: everything an outside auditor needs to check one case with no access to the platform — the
 * case's events as stored (full envelopes with their per-stream chain links `prevhash` → `hash`), an inclusion
 * proof of each against a signed checkpoint, the checkpoint and the audit public key. The bundle as a whole is
 * signed too, so that a change to any field, even one no proof covers, is detected.
 *
 * This file uses only node:crypto, @gov/merkle and the store's hash function: `verifyBundle` runs offline.
 */
export interface BundleEvent {
  logIndex: number;
  event: RecordedEvent;
  /** RFC 9162 §2.1.3 inclusion proof against `checkpoint`: the leaf hash and the audit path, hex. */
  inclusion: { leafHash: string; path: string[] };
}

export interface AuditBundle {
  format: "gov-audit-bundle/v1";
  case: string;
  exportedAt: string;
  exportedBy: { id: string; role: string };
  publicKey: string;
  checkpoint: Checkpoint;
  events: BundleEvent[];
  /** Per stream: the revisions the bundle holds, and whether they link without a gap. */
  chains: { stream: string; revisions: number[] }[];
  /** Ed25519 over the RFC 8785 canonical JSON of the bundle without this field, base64. */
  signature: string;
}

export type UnsignedBundle = Omit<AuditBundle, "signature">;

export function signBundle(bundle: UnsignedBundle, privateKey: KeyObject): AuditBundle {
  const signature = sign(null, Buffer.from(canonicalize(bundle) ?? "", "utf8"), privateKey).toString(
    "base64",
  );
  return { ...bundle, signature };
}

export interface BundleFailure {
  /** What failed, as a path into the bundle (`events[3].event.data`, `checkpoint.signature`, …). */
  where: string;
  message: string;
}

export interface BundleVerification {
  ok: boolean;
  case?: string;
  events: number;
  treeSize?: number;
  failures: BundleFailure[];
  /** Set when the caller did not pin a public key: the bundle's own key was trusted. */
  warning?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Checks a bundle offline, naming every failure:
 * 1. the public key (against `pinnedPublicKey`, the key the auditor obtained out of band, when given);
 * 2. the checkpoint's signature (its note: origin, size, root, time);
 * 3. each event: its content against its hash (RFC 8785 + SHA-256), its leaf hash, and its inclusion proof against
 *    the checkpoint's root (RFC 9162 §2.1.3.2);
 * 4. each stream's chain: consecutive revisions link (`prevhash` is the hash of the revision before);
 * 5. the bundle's signature over all of it (catches a change to a field no proof covers).
 */
export function verifyBundle(input: unknown, pinnedPublicKey?: string): BundleVerification {
  const failures: BundleFailure[] = [];
  const b = input as Partial<AuditBundle>;
  if (!b || typeof b !== "object" || b.format !== "gov-audit-bundle/v1") {
    return {
      ok: false,
      events: 0,
      failures: [{ where: "format", message: "not a gov-audit-bundle/v1 bundle" }],
    };
  }
  const publicKey = typeof b.publicKey === "string" ? b.publicKey : "";
  let key: KeyObject | undefined;
  try {
    key = createPublicKey({ key: Buffer.from(publicKey, "base64"), format: "der", type: "spki" });
    if (key.asymmetricKeyType !== "ed25519") throw new Error("not Ed25519");
  } catch {
    failures.push({ where: "publicKey", message: "not an Ed25519 public key (SPKI DER, base64)" });
  }
  if (pinnedPublicKey !== undefined && pinnedPublicKey !== publicKey) {
    failures.push({ where: "publicKey", message: "is not the audit key you pinned" });
  }
  const checkpoint = b.checkpoint;
  const cpOk =
    checkpoint &&
    Number.isSafeInteger(checkpoint.treeSize) &&
    typeof checkpoint.rootHash === "string" &&
    HEX64.test(checkpoint.rootHash);
  if (!cpOk) {
    failures.push({ where: "checkpoint", message: "missing or malformed (treeSize, rootHash)" });
  } else if (key) {
    const c = verifyCheckpoint(checkpoint, publicKey);
    if (!c.ok) {
      failures.push({
        where: c.reason === "wrong-key" ? "checkpoint.keyId" : "checkpoint",
        message:
          c.reason === "wrong-key"
            ? `names key ${checkpoint.keyId}, not ${keyIdOf(publicKey)}`
            : "the signature over size, root and time does not verify",
      });
    }
  }
  const events = Array.isArray(b.events) ? b.events : [];
  if (!Array.isArray(b.events)) failures.push({ where: "events", message: "missing" });
  const root = cpOk ? Buffer.from(checkpoint.rootHash, "hex") : undefined;
  const byStream = new Map<string, RecordedEvent[]>();
  events.forEach((entry, i) => {
    const at = `events[${i}]`;
    const e = entry?.event;
    if (!e || typeof e !== "object") {
      failures.push({ where: `${at}.event`, message: "missing" });
      return;
    }
    const name = `${at} (${e.subject} revision ${e.streamversion}, id ${e.id})`;
    let computed = "";
    try {
      computed = hashEvent(e);
    } catch {
      computed = "";
    }
    if (computed !== e.hash) {
      failures.push({ where: `${at}.event`, message: `${name}: content does not match its hash (altered)` });
    }
    const hashHex = typeof e.hash === "string" && HEX64.test(e.hash) ? e.hash : undefined;
    const leaf = hashHex ? leafHash(Buffer.from(hashHex, "hex")) : undefined;
    if (!leaf || entry.inclusion?.leafHash !== leaf.toString("hex")) {
      failures.push({
        where: `${at}.inclusion.leafHash`,
        message: `${name}: leaf hash is not HASH(0x00 || event hash)`,
      });
    }
    if (leaf && root && cpOk) {
      const path = Array.isArray(entry.inclusion?.path) ? entry.inclusion.path : [];
      const proof = path.map((h) =>
        typeof h === "string" && HEX64.test(h) ? Buffer.from(h, "hex") : Buffer.alloc(0),
      );
      const r = verifyInclusion(leaf, entry.logIndex, checkpoint.treeSize, proof, root);
      if (!r.ok) {
        failures.push({
          where: `${at}.inclusion`,
          message: `${name}: not proven in the log at index ${entry.logIndex}: ${r.message}`,
        });
      }
    }
    const list = byStream.get(e.subject) ?? [];
    list.push(e);
    byStream.set(e.subject, list);
  });
  for (const [stream, list] of byStream) {
    const sorted = [...list].sort((x, y) => x.streamversion - y.streamversion);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1] as RecordedEvent;
      const cur = sorted[i] as RecordedEvent;
      if (cur.streamversion === prev.streamversion + 1 && cur.prevhash !== prev.hash) {
        failures.push({
          where: `chains (${stream})`,
          message: `revision ${cur.streamversion} does not link to revision ${prev.streamversion}`,
        });
      }
    }
  }
  if (key && typeof b.signature === "string") {
    const { signature, ...rest } = b as AuditBundle;
    const good = verify(
      null,
      Buffer.from(canonicalize(rest) ?? "", "utf8"),
      key,
      Buffer.from(signature, "base64"),
    );
    if (!good) {
      failures.push({
        where: "signature",
        message: "the bundle's signature does not verify: a field was changed after export",
      });
    }
  } else if (typeof b.signature !== "string") {
    failures.push({ where: "signature", message: "missing" });
  }
  return {
    ok: failures.length === 0,
    ...(typeof b.case === "string" ? { case: b.case } : {}),
    events: events.length,
    ...(cpOk ? { treeSize: checkpoint.treeSize } : {}),
    failures,
    ...(pinnedPublicKey === undefined
      ? {
          warning:
            "no key pinned: the bundle's own public key was trusted; pin the key your department published",
        }
      : {}),
  };
}
