import { creditEventTypes } from "@gov/contracts";
import {
  type CommandContext,
  commandIds,
  type EventStore,
  EventTypes,
  eventMetadata,
  handleCommand,
  RuleViolation,
} from "@gov/eventsourcing";
import { maskResidentId, validateCreditCode, validateResidentId } from "@gov/identifiers";
import { type KeyVault, organisationSubjectId, personSubjectId } from "@gov/pii";
import type { SubjectCommand } from "../domain/commands.ts";
import { subjectDecider } from "../domain/decide.ts";
import type { MeasuresList } from "../domain/measures.ts";
import {
  evolveSubject,
  initialSubjectState,
  type SubjectEvent,
  type SubjectState,
} from "../domain/subject.ts";

export const SOURCE = "gov.credit";
export const subjectTypes = new EventTypes<SubjectEvent>(creditEventTypes);
export const subjectStream = (subjectId: string) => `subject-${subjectId}`;

/** Request-scoped context: who, when, and the ids that tie the events to the request or the causing event. */
export type RequestContext = CommandContext;

type CommandInput = {
  [K in SubjectCommand["type"]]: Omit<Extract<SubjectCommand, { type: K }>, "metadata">;
}[SubjectCommand["type"]];

export type Registration =
  | { kind: "person"; idNumber: string; name: string }
  | { kind: "organisation"; creditCode: string; name: string };

/** The credit service's use cases: each loads a subject's stream, decides, appends. */
export class CreditService {
  readonly #store: EventStore;
  readonly #vault: KeyVault;
  readonly #indexKey: Buffer;
  readonly measures: MeasuresList;
  readonly #decider;

  constructor(deps: { store: EventStore; vault: KeyVault; indexKey: Buffer; measures: MeasuresList }) {
    this.#store = deps.store;
    this.#vault = deps.vault;
    this.#indexKey = deps.indexKey;
    this.measures = deps.measures;
    const { decide } = subjectDecider(deps.measures);
    this.#decider = { initialState: initialSubjectState, evolve: evolveSubject, decide };
  }

  /** The subject id other services derive from the same identifier (no personal data in it); checks it first. */
  subjectIdOf(identifier: { idNumber: string } | { creditCode: string }): string {
    if ("idNumber" in identifier) {
      const id = validateResidentId(identifier.idNumber);
      if (!id.valid) throw new RuleViolation([{ field: "idNumber", message: id.message }]);
      return personSubjectId(id.normalized, this.#indexKey);
    }
    const code = validateCreditCode(identifier.creditCode);
    if (!code.valid) throw new RuleViolation([{ field: "creditCode", message: code.message }]);
    return organisationSubjectId(code.normalized);
  }

  async subject(subjectId: string): Promise<SubjectState> {
    const events = await this.#store.readStream(subjectStream(subjectId));
    return events.flatMap((e) => subjectTypes.toDomain(e) ?? []).reduce(evolveSubject, initialSubjectState());
  }

  /**
   * Registers a person (居民身份证号 checked, GB 11643) or an organisation (统一社会信用代码, GB 32100; a failed
   * check character is accepted with a warning, domain brief §2). A person's number and name are sealed with
   * the subject's own key before they reach the store.
   */
  async register(input: Registration, ctx: RequestContext) {
    const warnings: string[] = [];
    let data: Extract<SubjectCommand, { type: "RegisterSubject" }>["data"];
    if (input.kind === "person") {
      const id = validateResidentId(input.idNumber);
      if (!id.valid) throw new RuleViolation([{ field: "idNumber", message: id.message }]);
      const subjectId = personSubjectId(id.normalized, this.#indexKey);
      const existing = await this.subject(subjectId);
      if (existing.status === "registered") return { subjectId, created: false, warnings };
      const identity = await this.#vault.seal(subjectId, { idNumber: id.normalized, name: input.name });
      data = { subjectId, kind: "person", identity };
    } else {
      const code = validateCreditCode(input.creditCode);
      if (!code.valid) throw new RuleViolation([{ field: "creditCode", message: code.message }]);
      if (!code.checksumOk) warnings.push(code.warning);
      const subjectId = organisationSubjectId(code.normalized);
      data = {
        subjectId,
        kind: "organisation",
        organisation: { creditCode: code.normalized, name: input.name, checksumOk: code.checksumOk },
      };
    }
    const result = await this.execute(data.subjectId, { type: "RegisterSubject", data }, ctx);
    return { subjectId: data.subjectId, created: result.events.length > 0 && !result.replayed, warnings };
  }

  /** A person's 身份证号 (masked) and name, for credit administrators; undefined once erased. */
  async identity(subjectId: string, sealed: Parameters<KeyVault["open"]>[1]) {
    const opened = (await this.#vault.open(subjectId, sealed)) as
      | { idNumber: string; name: string }
      | undefined;
    return opened ? { idNumber: maskResidentId(opened.idNumber), name: opened.name } : undefined;
  }

  /** 个人信息删除: destroys the subject's key (the sealed identity becomes unreadable), then records it. */
  async erase(subjectId: string, request: string, ctx: RequestContext) {
    const state = await this.subject(subjectId);
    if (state.status === "registered" && state.kind === "person") await this.#vault.erase(subjectId);
    return this.execute(subjectId, { type: "EraseIdentity", data: { request } }, ctx);
  }

  execute(subjectId: string, input: CommandInput, ctx: RequestContext) {
    const command = { ...input, metadata: { now: ctx.now, actor: ctx.actor } } as SubjectCommand;
    return handleCommand({
      store: this.#store,
      streamId: subjectStream(subjectId),
      decider: this.#decider,
      types: subjectTypes,
      command,
      metadata: eventMetadata(SOURCE, ctx, { caseid: subjectId }),
      retriesOnConflict: 2,
      ...commandIds(ctx),
    });
  }
}
