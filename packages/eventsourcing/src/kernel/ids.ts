import { createHash } from "node:crypto";

/** The platform's namespace for name-based ids (a fixed random UUID). */
export const PLATFORM_NAMESPACE = "6c1f0a3e-9b7d-4c2a-8f51-2d9e7b4a0c13";

/**
 * A deterministic UUID (RFC 9562 version 5: SHA-1 over namespace + name). Reactions derive their event ids
 * from the input event's id, so that a redelivered input appends nothing new (the store's append is
 * idempotent by event id; see docs/architecture.md, "Event flow").
 */
export function nameBasedUuid(name: string, namespace = PLATFORM_NAMESPACE): string {
  const ns = Buffer.from(namespace.replaceAll("-", ""), "hex");
  const bytes = createHash("sha1").update(ns).update(name, "utf8").digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
