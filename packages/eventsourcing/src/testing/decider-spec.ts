import { expect } from "vitest";
import type { Decider, DomainEvent } from "../kernel/decider.ts";

type ErrorMatcher = (new (...args: never[]) => Error) | RegExp | string;

/**
 * Given/when/then for deciders (style guide):
 *
 *   const spec = deciderSpec(matterDecider);
 *   spec.given([drafted, claimed]).when(publish).thenEvents([published]);
 *   spec.given([]).when(publish).thenThrows(NotFound);
 */
export function deciderSpec<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
) {
  return {
    given(history: readonly Event[]) {
      return {
        when(command: Command) {
          const run = () => decider.decide(command, history.reduce(decider.evolve, decider.initialState()));
          return {
            /** The command produces exactly these events. */
            thenEvents(expected: readonly Event[]): Event[] {
              const events = run();
              expect(events).toEqual(expected);
              return events;
            },
            /** The command is refused with this error class, or a message matching this pattern. */
            thenThrows(matcher: ErrorMatcher): void {
              expect(run).toThrow(matcher as never);
            },
            /** For assertions the two above cannot express. */
            events: run,
          };
        },
      };
    },
  };
}
