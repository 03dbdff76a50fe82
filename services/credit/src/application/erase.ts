import type { CommandContext, HandleResult } from "@gov/eventsourcing";
import { maskResidentId } from "@gov/identifiers";
import type { KeyVault } from "@gov/pii";
import type { SubjectEvent, SubjectState } from "../domain/subject/subject.ts";
import type { SubjectCommands } from "./subjects.ts";

/**
 * 个人信息删除 (个人信息保护法 第四十七条), all or nothing, in three steps that each can be repeated:
 *
 * 1. `ErasureRequested` is appended (nothing when an erasure is already under way or done);
 * 2. the subject's key is destroyed (the sealed identity and any sealed free text become unreadable for ever; the
 *    record and its hash chain stay) — destroying a key that is already gone changes nothing;
 * 3. `IdentityErased` confirms it (nothing when already confirmed).
 *
 * A failure at any step leaves a state that the same request, repeated, completes, and the history says what
 * happened: a request without its confirmation is an erasure under way. Returns the events of both commands.
 */
export async function eraseIdentity(
  deps: { subjects: SubjectCommands; vault: KeyVault },
  subjectId: string,
  request: string,
  ctx: CommandContext,
): Promise<HandleResult<SubjectEvent, SubjectState>> {
  // One Idempotency-Key, two commands: each gets its own, so that the second is not taken for a repeat of the first.
  const step = (name: string): CommandContext => {
    const { expectedRevision: _r, idempotencyKey, ...rest } = ctx;
    return { ...rest, ...(idempotencyKey ? { idempotencyKey: `${idempotencyKey}:${name}` } : {}) };
  };
  const requested = await deps.subjects.handle(
    subjectId,
    { type: "RequestErasure", data: { request } },
    {
      ...step("erasure-requested"),
      ...(ctx.expectedRevision !== undefined ? { expectedRevision: ctx.expectedRevision } : {}),
    },
  );
  const state = requested.state;
  if (state.status !== "registered" || state.erased) return requested;
  await deps.vault.erase(subjectId);
  const confirmed = await deps.subjects.handle(
    subjectId,
    { type: "EraseIdentity", data: {} },
    step("identity-erased"),
  );
  return {
    ...confirmed,
    events: [...requested.events, ...confirmed.events],
    positions: [...requested.positions, ...confirmed.positions],
    replayed: requested.replayed && confirmed.replayed,
  };
}

/** A person's 身份证号 (masked) and name, for credit administrators; undefined once erased. */
export async function openIdentity(
  vault: KeyVault,
  subjectId: string,
  sealed: Parameters<KeyVault["open"]>[1],
) {
  const opened = await vault.open(subjectId, sealed);
  if (!isIdentity(opened)) return undefined;
  return { idNumber: maskResidentId(opened.idNumber), name: opened.name };
}

function isIdentity(value: unknown): value is { idNumber: string; name: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    "idNumber" in value &&
    typeof value.idNumber === "string" &&
    "name" in value &&
    typeof value.name === "string"
  );
}
