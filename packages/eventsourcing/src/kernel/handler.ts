import type { EventStore } from "../event-store.ts";
import { verifiedStream } from "../hash-chain.ts";
import type { Command, CommandInput } from "./command.ts";
import { type CommandContext, commandIds, eventMetadata } from "./command-context.ts";
import {
  type HandleOptions,
  type HandleResult,
  handleCommand,
  handleCommandsTogether,
  type PreparedCommand,
  prepareCommand,
} from "./command-handler.ts";
import { type Decider, type DomainEvent, fold } from "./decider.ts";
import type { EventTypes } from "./event-types.ts";

/**
 * How a handler answers another writer appending to the same stream first. The platform has ONE default
 * (docs/event-store.md): re-read the stream and decide again, up to two more times. A command the new
 * state no longer allows then fails in the decider (409 with the domain's reason); a caller that pinned a
 * revision (`If-Match`) gets the conflict at once.
 */
export interface RetryPolicy {
  /** How many times to re-read and re-decide after a conflicting append. */
  conflictRetries: number;
}

export const defaultRetryPolicy: RetryPolicy = { conflictRetries: 2 };

export interface CommandHandlerOptions<C extends Command, E extends DomainEvent, S> {
  store: EventStore;
  decider: Decider<C, E, S>;
  types: EventTypes<E>;
  /** The producing service, e.g. `gov.intake` (the envelope's `source`). */
  source: string;
  /** The aggregate's stream, e.g. `(id) => \`application-${id}\``. */
  stream: (id: string) => string;
  /** The `caseid` its events carry (default: the aggregate id). */
  caseId?: (id: string) => string | undefined;
  retry?: RetryPolicy;
}

export interface CommandHandler<C extends Command, E extends DomainEvent, S> {
  /** Loads the aggregate, decides, appends with the expected revision; retries as the policy says. */
  handle(id: string, command: CommandInput<C>, ctx: CommandContext): Promise<HandleResult<E, S>>;
  /**
   * Loads and decides like `handle`, but appends nothing: for a use case that writes several aggregates in
   * one atomic `appendMany` (`handleCommandsTogether`, with this handler's retry policy).
   */
  prepare(id: string, command: CommandInput<C>, ctx: CommandContext): Promise<PreparedCommand<E, S>>;
  /**
   * Several commands, each on its own aggregate, as ONE atomic write: all are decided first (one that fails
   * fails them all, nothing appended), then appended together in one `appendMany`. Results in input order;
   * a conflict on any stream re-decides them all, as the retry policy says.
   */
  handleTogether(
    commands: readonly { id: string; command: CommandInput<C>; ctx: CommandContext }[],
  ): Promise<HandleResult<E, S>[]>;
  /**
   * The aggregate's current state, folded from its stream (for a use case that must look before it acts); the
   * stream's hash chain is verified as for a command.
   */
  load(id: string): Promise<S>;
  readonly decider: Decider<C, E, S>;
}

/**
 * One command path for every service (load, decide, append, as in Emmett): given a decider, its event
 * types, the source and the stream naming, returns `handle(id, command, context)`. Ids come from the
 * context (Idempotency-Key or causing event), the actor and time from its metadata.
 */
export function commandHandler<C extends Command, E extends DomainEvent, S>(
  options: CommandHandlerOptions<C, E, S>,
): CommandHandler<C, E, S> {
  const { store, decider, types, source, stream } = options;
  const retry = options.retry ?? defaultRetryPolicy;
  const handleOptions = (id: string, input: CommandInput<C>, ctx: CommandContext): HandleOptions<C, E, S> => {
    const caseid = options.caseId ? options.caseId(id) : id;
    const metadata = { now: ctx.now, actor: ctx.actor };
    return {
      store,
      streamId: stream(id),
      decider,
      types,
      command: { ...input, metadata } as C,
      metadata: eventMetadata(source, ctx, caseid === undefined ? {} : { caseid }),
      ...(ctx.expectedRevision === undefined ? {} : { expectedRevision: ctx.expectedRevision }),
      ...commandIds(ctx),
    };
  };
  return {
    decider,
    handle(id, input, ctx) {
      return handleCommand({ ...handleOptions(id, input, ctx), retriesOnConflict: retry.conflictRetries });
    },
    prepare(id, input, ctx) {
      return prepareCommand(handleOptions(id, input, ctx));
    },
    handleTogether(commands) {
      return handleCommandsTogether(
        store,
        () => Promise.all(commands.map((c) => prepareCommand(handleOptions(c.id, c.command, c.ctx)))),
        {
          retriesOnConflict: commands.some((c) => c.ctx.expectedRevision !== undefined)
            ? 0
            : retry.conflictRetries,
        },
      );
    },
    async load(id) {
      const streamId = stream(id);
      const stored = verifiedStream(streamId, await store.readStream(streamId));
      return fold(
        decider,
        stored.flatMap((r) => types.toDomain(r) ?? []),
      );
    },
  };
}
