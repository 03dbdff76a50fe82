/**
 * A decider is three pure functions (as in Emmett and EventSourcing.NodeJS): the state before any event,
 * how one event changes the state, and which events a command produces in a state. Time, ids and the actor
 * arrive in the command: domain code never reads the clock or draws random ids.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

/** Folds a history into the current state. */
export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, "initialState" | "evolve">,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState());
}
