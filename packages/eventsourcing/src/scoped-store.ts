import { type NewEvent, streamCategory } from "./envelope.ts";
import type { AppendResult, EventStore, ExpectedRevision, StreamWrite } from "./event-store.ts";

export class ForeignCategoryError extends Error {
  override readonly name = "ForeignCategoryError";
  readonly streamId: string;
  constructor(streamId: string, owner: string, categories: readonly string[]) {
    super(
      `${owner} may append only to its own stream categories (${categories.join(", ")}), not to ${streamId}`,
    );
    this.streamId = streamId;
  }
}

/**
 * A service's handle on a store that several services share (distributed mode): it reads everything but
 * appends only to the service's own stream categories, so no service can write another's history.
 */
export function ownCategoriesOnly<S extends EventStore>(
  store: S,
  owner: string,
  categories: readonly string[],
): S {
  const own = new Set(categories);
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === "append") {
        return (
          streamId: string,
          events: readonly NewEvent[],
          expected: ExpectedRevision,
        ): Promise<AppendResult> => {
          if (!own.has(streamCategory(streamId))) {
            return Promise.reject(new ForeignCategoryError(streamId, owner, categories));
          }
          return target.append(streamId, events, expected);
        };
      }
      if (property === "appendMany") {
        return (writes: readonly StreamWrite[]): Promise<AppendResult[]> => {
          const foreign = (Array.isArray(writes) ? writes : []).find(
            (write) => !own.has(streamCategory(write.streamId)),
          );
          if (foreign) return Promise.reject(new ForeignCategoryError(foreign.streamId, owner, categories));
          return target.appendMany(writes);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
