import { createHash } from "node:crypto";
import type pg from "pg";

/** Distinct statement texts prepared by name in this process; past it, statements go unnamed (see `prepared`). */
const MAX_PREPARED = 2000;
const nameOf = new Map<string, string>();

/**
 * The query as a named prepared statement: PostgreSQL parses and plans it once per connection, then only binds
 * and executes it. Sent unnamed, the store's hot statements (the log read every subscriber runs after every
 * append, a stream's read, the append functions, checkpoints) and the read models' statements spent most of
 * their server time being parsed and planned again on every call (docs/event-store-adapters.md). The name is a
 * digest of the text, so one text is prepared once per connection whichever caller sends it.
 *
 * Each connection keeps what it prepared until it closes, so the distinct texts are bounded: the statements here
 * come in a fixed number of shapes (multi-row inserts in chunks of at most 100 rows), and past `MAX_PREPARED`
 * distinct texts a statement is sent unnamed, as before. Without parameters it is sent unnamed too: such a text
 * may hold several statements, which PostgreSQL does not prepare.
 */
export function prepared(text: string, values: readonly unknown[]): pg.QueryConfig {
  // pg only reads the values: passed as they are, not copied (this runs for every statement).
  const params = values as unknown[];
  if (params.length === 0) return { text, values: params };
  let name = nameOf.get(text);
  if (name === undefined) {
    if (nameOf.size >= MAX_PREPARED) return { text, values: params };
    name = `gov_${createHash("sha256").update(text).digest("hex").slice(0, 32)}`;
    nameOf.set(text, name);
  }
  return { name, text, values: params };
}
