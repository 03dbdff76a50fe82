/** Names of the adapter's objects inside its schema, quoted once so that every query uses the same spelling. */
export interface SqlNames {
  schema: string;
  /** The quoted schema, e.g. `"event_store"`. */
  qschema: string;
  events: string;
  streams: string;
  checkpoints: string;
  migrations: string;
  appendFunction: string;
  /** `append_group()`: several appends (each of one or more streams) in the caller's one transaction. */
  appendGroupFunction: string;
  /** The LISTEN/NOTIFY channel appends signal on (an identifier: at most 63 bytes). */
  channel: string;
}

export const DEFAULT_SCHEMA = "event_store";

/** Lower-case letters, digits and `_`, starting with a letter: no quoting surprises, fits a channel name. */
const schemaPattern = /^[a-z][a-z0-9_]{0,47}$/;

export function sqlNames(schema: string): SqlNames {
  if (!schemaPattern.test(schema)) {
    throw new Error(
      `schema "${schema}": use 1–48 lower-case letters, digits and '_', starting with a letter`,
    );
  }
  const qschema = `"${schema}"`;
  return {
    schema,
    qschema,
    events: `${qschema}.events`,
    streams: `${qschema}.streams`,
    checkpoints: `${qschema}.checkpoints`,
    migrations: `${qschema}.schema_migrations`,
    appendFunction: `${qschema}.append_events`,
    appendGroupFunction: `${qschema}.append_group`,
    channel: `${schema}_appended`,
  };
}
