import { isDeepStrictEqual } from "node:util";
import { subjectTypes } from "@gov/aggregates";
import { SEALED_TEXT } from "@gov/contracts";
import {
  type CommandContext,
  type CommandHandler,
  type CommandInput,
  commandHandler,
  type EventStore,
  fold,
  nameBasedUuid,
} from "@gov/eventsourcing";
import type { Json, KeyVault } from "@gov/pii";
import type { MeasuresList } from "../domain/measures.ts";
import type { SealedText, SubjectCommand } from "../domain/subject/commands.ts";
import { subjectDecider } from "../domain/subject/decide.ts";
import type { SubjectEvent, SubjectState } from "../domain/subject/subject.ts";

export const SOURCE = "gov.credit";
/** The subject's events on the wire (one definition, shared with the audit service). */
export { subjectTypes };
export const subjectStream = (subjectId: string) => `subject-${subjectId}`;

export type SubjectCommands = CommandHandler<SubjectCommand, SubjectEvent, SubjectState> & {
  /** The subject's state and its stream revision, for a use case that looks before it acts. */
  look(subjectId: string): Promise<{ state: SubjectState; revision: number }>;
};

/** The free-text fields of each command that says something about its subject. */
const FREE_TEXT: Partial<Record<SubjectCommand["type"], readonly string[]>> = {
  ProposeListing: ["reason"],
  FileObjection: ["grounds"],
  DecideObjection: ["reasons"],
  RequestRepair: ["dutiesPerformed"],
  DecideRepair: ["reasons"],
  WithdrawListing: ["reason"],
};
/** A person's subject id: P + the keyed pseudonym (docs/credit.md). */
const isPerson = (subjectId: string) => /^P[0-9a-f]{32}$/.test(subjectId);

/**
 * The one command path for credit subjects (load, decide under the measures list, append). Free text about a
 * natural person is sealed under that person's key before it is decided on (个人信息保护法 第四十七条: erasing the
 * key erases it), the fields holding SEALED_TEXT; an organisation's stays in the clear. Without a vault, a person's
 * free text is refused (fail closed).
 */
export function subjectCommands(
  store: EventStore,
  measures: MeasuresList,
  vault?: KeyVault,
): SubjectCommands {
  const handler = commandHandler({
    store,
    decider: subjectDecider(measures),
    types: subjectTypes,
    source: SOURCE,
    stream: subjectStream,
  });

  /**
   * A command handled before under the same Idempotency-Key or causing event: its sealed text, when it seals the
   * same text, so that the kernel sees the same command again (a fresh seal would differ in every byte).
   */
  const earlierSeal = async (subjectId: string, texts: Json, ctx: CommandContext) => {
    if (!vault) return undefined;
    const base = ctx.causationEventId
      ? `caused-by:${ctx.causationEventId}`
      : ctx.idempotencyKey
        ? `key:${ctx.idempotencyKey}`
        : undefined;
    if (!base) return undefined;
    const streamId = subjectStream(subjectId);
    const firstId = nameBasedUuid(`${base}:${streamId}:0`);
    const earlier = (await store.readStream(streamId)).find((r) => r.id === firstId);
    const sealed = (earlier?.data as { sealedText?: SealedText } | undefined)?.sealedText;
    if (!sealed) return undefined;
    const opened = await vault.open(subjectId, sealed);
    return isDeepStrictEqual(opened, texts) ? sealed : undefined;
  };

  const seal = async (
    subjectId: string,
    command: CommandInput<SubjectCommand>,
    ctx: CommandContext,
  ): Promise<CommandInput<SubjectCommand>> => {
    const fields = FREE_TEXT[command.type];
    if (!fields || !isPerson(subjectId)) return command;
    if (!vault) throw new Error("free text about a person is sealed under its key: no key vault was given");
    const data = command.data as Record<string, unknown>;
    const texts = Object.fromEntries(fields.map((f) => [f, data[f] as Json]));
    const sealedText = (await earlierSeal(subjectId, texts, ctx)) ?? (await vault.seal(subjectId, texts));
    const placeholders = Object.fromEntries(
      fields.map((f) => [f, Array.isArray(data[f]) ? data[f].map(() => SEALED_TEXT) : SEALED_TEXT]),
    );
    return { ...command, data: { ...data, ...placeholders, sealedText } } as CommandInput<SubjectCommand>;
  };

  return {
    ...handler,
    async handle(subjectId, command, ctx) {
      return handler.handle(subjectId, await seal(subjectId, command, ctx), ctx);
    },
    async look(subjectId) {
      const stored = await store.readStream(subjectStream(subjectId));
      const state = fold(
        handler.decider,
        stored.flatMap((r) => subjectTypes.toDomain(r) ?? []),
      );
      return { state, revision: stored.at(-1)?.streamversion ?? -1 };
    },
  };
}
