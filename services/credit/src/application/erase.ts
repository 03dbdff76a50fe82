import type { CommandContext } from "@gov/eventsourcing";
import { maskResidentId } from "@gov/identifiers";
import type { KeyVault } from "@gov/pii";
import type { SubjectCommands } from "./subjects.ts";

/**
 * 个人信息删除 (个人信息保护法 第四十七条). Looks before it acts: for a person, destroys the subject's key (the
 * sealed identity becomes unreadable for ever, the record and its hash chain stay), then records the erasure.
 */
export async function eraseIdentity(
  deps: { subjects: SubjectCommands; vault: KeyVault },
  subjectId: string,
  request: string,
  ctx: CommandContext,
) {
  const state = await deps.subjects.load(subjectId);
  if (state.status === "registered" && state.kind === "person") await deps.vault.erase(subjectId);
  return deps.subjects.handle(subjectId, { type: "EraseIdentity", data: { request } }, ctx);
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
