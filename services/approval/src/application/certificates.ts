import { type ApprovalEventData, certificateContent } from "@gov/contracts";
import type { CommandContext, CommandHandler } from "@gov/eventsourcing";
import type { FileKeyring, SignedDocument } from "@gov/seal";
import type { PermitCommand } from "../domain/permit/commands.ts";
import type { PermitEvent, PermitState } from "../domain/permit/permit.ts";

export type PermitCommands = CommandHandler<PermitCommand, PermitEvent, PermitState>;
type Issued = ApprovalEventData["CertificateIssued"];

/** The document a certificate's seal covers: exactly the contract's certificate content (holder identity aside). */
export function sealedDocument(cert: Issued) {
  return certificateContent.parse(cert);
}

/** A certificate as a signed document `{ document, seal }` (what `POST /approval/certificates/verify` takes). */
export function signedDocumentOf(cert: Issued): SignedDocument | undefined {
  const s = cert.signature;
  if (!s?.department || !s.signedAt) return undefined;
  return {
    document: sealedDocument(cert),
    seal: {
      algorithm: s.algorithm as "SM2-SM3",
      keyId: s.keyId,
      department: s.department,
      signedAt: s.signedAt,
      signature: s.value,
    },
  };
}

/**
 * Signing is a step of its own after a certificate is issued (发证 then 签章): the issuing department's seal key
 * (`@gov/seal`, SM2 with SM3, kept outside the event store) seals the certificate content, and SignCertificate
 * records it. Repeating it is harmless: a signed certificate is not signed again.
 */
export async function signIssued(
  permits: PermitCommands,
  keyring: FileKeyring,
  permitId: string,
  events: readonly PermitEvent[],
  ctx: CommandContext,
): Promise<void> {
  for (const e of events) {
    if (e.type !== "CertificateIssued" || e.data.signature) continue;
    const signed = keyring.sign(e.data.issuingDepartment.creditCode, sealedDocument(e.data), ctx.now);
    await permits.handle(
      permitId,
      {
        type: "SignCertificate",
        data: {
          certificateNo: e.data.certificateNo,
          signature: {
            algorithm: signed.seal.algorithm,
            keyId: signed.seal.keyId,
            value: signed.seal.signature,
            department: signed.seal.department,
            signedAt: signed.seal.signedAt,
          },
        },
      },
      {
        ...ctx,
        ...(ctx.causationEventId
          ? { causationEventId: `${ctx.causationEventId}:sign:${e.data.certificateNo}` }
          : {}),
        ...(ctx.idempotencyKey
          ? { idempotencyKey: `${ctx.idempotencyKey}:sign:${e.data.certificateNo}` }
          : {}),
      },
    );
  }
}

/** Every certificate of the permit still unsigned (after a crash between issue and seal), signed now. */
export async function signPending(
  permits: PermitCommands,
  keyring: FileKeyring,
  permitId: string,
  ctx: CommandContext,
): Promise<void> {
  const state = await permits.load(permitId);
  if (!("exists" in state)) return;
  const unsigned: PermitEvent[] = state.certificates
    .filter((c) => !c.signature)
    .map(({ deliveries: _d, ...c }) => ({ type: "CertificateIssued", data: c }));
  await signIssued(permits, keyring, permitId, unsigned, ctx);
}
