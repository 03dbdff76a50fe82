import { type CommandContext, RuleViolation } from "@gov/eventsourcing";
import { identifySubject, type KeyVault } from "@gov/pii";
import type { RegisterSubject } from "../domain/subject/commands.ts";
import type { SubjectCommands } from "./subjects.ts";

export type Registration =
  | { kind: "person"; idNumber: string; name: string }
  | { kind: "organisation"; creditCode: string; name: string };

export interface RegistrationDeps {
  subjects: SubjectCommands;
  vault: KeyVault;
  indexKey: Buffer;
}

/**
 * Registers a person (居民身份证号, its check character checked: GB 11643-1999) or an organisation
 * (统一社会信用代码, GB 32100-2015; an early code failing its check character is accepted with a warning).
 * Looks before it acts: a person already registered is not sealed again. A person's number and name are
 * sealed with the subject's own key before they reach the store.
 */
export async function registerSubject(deps: RegistrationDeps, input: Registration, ctx: CommandContext) {
  const found = identifySubject(input, deps.indexKey);
  if (!found.ok) throw new RuleViolation([{ field: found.field, message: found.message }]);
  const { subjectId, warnings } = found;
  let data: RegisterSubject["data"];
  if (input.kind === "person") {
    const existing = await deps.subjects.look(subjectId);
    if (existing.state.status === "registered") {
      const result = {
        events: [],
        positions: [],
        position: undefined,
        nextExpectedRevision: existing.revision,
        replayed: false,
      };
      return { subjectId, result, created: false, warnings };
    }
    // identifySubject accepted the number; its normal form is the one the subject id was derived from.
    const idNumber = input.idNumber.trim().toUpperCase();
    const identity = await deps.vault.seal(subjectId, { idNumber, name: input.name });
    data = { subjectId, kind: "person", identity };
  } else {
    const { creditCode, checksumOk } = found;
    if (creditCode === undefined) throw new Error("an organisation's identification carries its code");
    data = { subjectId, kind: "organisation", organisation: { creditCode, name: input.name, checksumOk } };
  }
  const result = await deps.subjects.handle(subjectId, { type: "RegisterSubject", data }, ctx);
  return { subjectId, result, created: result.events.length > 0 && !result.replayed, warnings };
}
