import { expect } from "vitest";
import type { Command, CommandMetadata } from "../kernel/command.ts";
import { type Decider, type DomainEvent, fold } from "../kernel/decider.ts";

type ErrorMatcher = (new (...args: never[]) => Error) | RegExp | string;

/** A command in a spec: its metadata may be left out when the spec has a default. */
type SpecCommand<C> = C extends Command ? Omit<C, "metadata"> & { metadata?: CommandMetadata } : C;

/**
 * The platform's one dialect for decider tests (given / when / then, as in Emmett):
 *
 *   const spec = deciderSpec(matterDecider, { metadata: { now, actor } });
 *   spec.given(drafted, claimed).when(publish).then(published);
 *   spec.given().when(publish).thenThrows(NotFound);
 *   spec.given(drafted, published).when(publishAgain).thenNothingHappened();
 *
 * `metadata` is added to every command that has none, so specs state only what matters to the rule.
 */
export function deciderSpec<C, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  defaults: { metadata?: CommandMetadata } = {},
) {
  const complete = (command: SpecCommand<C>): C =>
    (typeof command === "object" &&
    command !== null &&
    "type" in command &&
    !("metadata" in command) &&
    defaults.metadata
      ? { ...command, metadata: defaults.metadata }
      : command) as C;
  return {
    given(...history: E[]) {
      return {
        when(command: SpecCommand<C>) {
          const run = () => decider.decide(complete(command), fold(decider, history));
          return {
            /** The command produces exactly these events, in this order. */
            // biome-ignore lint/suspicious/noThenProperty: the given/when/then dialect; specs never await it.
            then(...expected: E[]): E[] {
              const events = run();
              expect(events).toEqual(expected);
              return events;
            },
            /** The command is refused with this error class, or a message matching this pattern. */
            thenThrows(matcher: ErrorMatcher, message?: RegExp | string): void {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown, "the command was expected to be refused").toBeDefined();
              if (typeof matcher === "function") expect(thrown).toBeInstanceOf(matcher);
              else expect(String((thrown as Error).message)).toMatch(matcher);
              if (message !== undefined) expect(String((thrown as Error).message)).toMatch(message);
            },
            /** The command is accepted and changes nothing (an idempotent repeat, say). */
            thenNothingHappened(): void {
              expect(run()).toEqual([]);
            },
            /** The events, for assertions the three above cannot express. */
            events: run,
          };
        },
      };
    },
  };
}
