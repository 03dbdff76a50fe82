import { creditEventSchemas, creditEventTypes } from "@gov/contracts";
import { type CommandHandler, commandHandler, type EventStore, EventTypes, fold } from "@gov/eventsourcing";
import type { MeasuresList } from "../domain/measures.ts";
import type { SubjectCommand } from "../domain/subject/commands.ts";
import { subjectDecider } from "../domain/subject/decide.ts";
import type { SubjectEvent, SubjectState } from "../domain/subject/subject.ts";

export const SOURCE = "gov.credit";
/** The subject's events on the wire, each checked against the credit contract before it is appended. */
export const subjectTypes = new EventTypes<SubjectEvent>(creditEventTypes, { schemas: creditEventSchemas });
export const subjectStream = (subjectId: string) => `subject-${subjectId}`;

export type SubjectCommands = CommandHandler<SubjectCommand, SubjectEvent, SubjectState> & {
  /** The subject's state and its stream revision, for a use case that looks before it acts. */
  look(subjectId: string): Promise<{ state: SubjectState; revision: number }>;
};

/** The one command path for credit subjects (load, decide under the measures list, append). */
export function subjectCommands(store: EventStore, measures: MeasuresList): SubjectCommands {
  const handler = commandHandler({
    store,
    decider: subjectDecider(measures),
    types: subjectTypes,
    source: SOURCE,
    stream: subjectStream,
  });
  return {
    ...handler,
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
