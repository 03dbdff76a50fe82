import type { Actor } from "@gov/contracts";

/**
 * Who issues a command and when. Domain code never reads the clock or the request: both arrive here. The
 * actor's role is the platform's one `Role` type, so a decider can rule on it without casts.
 */
export interface CommandMetadata {
  now: string;
  actor: Actor;
}

/** A command: what is asked (`type`), with what (`data`), by whom and when (`metadata`). */
export interface Command<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata: CommandMetadata;
}

/** A command as a caller hands it to a handler: the handler adds the metadata from the context. */
export type CommandInput<C extends Command> = C extends Command ? Omit<C, "metadata"> : never;
