import { z } from "zod";

/**
 * The audit service's own events. Every read of the trail is recorded before it is answered (个人信息保护法
 * 第五十一条: measures to keep the handling of personal information traceable; GB/T 22239-2019 安全审计), and
 * every signed checkpoint of the whole-log Merkle tree (RFC 9162 §2.1) is published as an event as well as a file.
 */
const readRecorded = z.object({
  what: z.enum(["timeline", "at", "diff", "export"]).describe("which audit read"),
  target: z
    .string()
    .min(1)
    .max(200)
    .describe("the case key read (application id, 办件编号, certificate or subject)"),
  reason: z.string().min(1).max(500).describe("why the auditor read it (required)"),
  query: z.string().max(500).optional().describe("the read's parameters (instants), if any"),
});

const checkpointSigned = z.object({
  treeSize: z.number().int().min(0).describe("leaves (events) the tree covers, in log order"),
  rootHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe("RFC 9162 MTH of the first treeSize event hashes, hex"),
  signedAt: z.string().describe("ISO instant the checkpoint was signed"),
  keyId: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .describe("first 8 bytes of SHA-256 of the public key (SPKI DER), hex"),
  signature: z.string().min(1).describe("Ed25519 signature of the checkpoint note, base64"),
});

export const auditEventTypes = {
  ReadRecorded: "gov.audit.access.read-recorded.v1",
  CheckpointSigned: "gov.audit.checkpoint.signed.v1",
} as const;

export const auditEventSchemas = {
  ReadRecorded: readRecorded,
  CheckpointSigned: checkpointSigned,
} as const;

export type AuditEventName = keyof typeof auditEventSchemas;
export type AuditEventData = { [K in AuditEventName]: z.infer<(typeof auditEventSchemas)[K]> };
