import type { SqlRunner, SqlValue } from "./port.ts";

/**
 * Multi-row statements for page handlers (`Projection.applyPage`): one statement for many rows instead of one
 * round trip per row, which is what a PostgreSQL projection's catch-up is bound by. Both dialects speak every
 * statement here. Rows go in chunks of at most `rowsPerStatement` (default 100, so a statement's text, and the
 * prepared-statement caches keyed on it, come in a bounded number of shapes; both databases' parameter limits,
 * 32 766 and 65 535, stay far away for tables of up to ~300 columns).
 */
export interface BatchOptions {
  rowsPerStatement?: number;
}

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const placeholders = (width: number) => `(${Array.from({ length: width }, () => "?").join(", ")})`;

/**
 * `INSERT INTO table (columns) VALUES (…), (…) <tail>` in chunks; `tail` is e.g. an `ON CONFLICT … DO UPDATE SET
 * x = excluded.x` clause. Within one statement a conflict target must not repeat (PostgreSQL refuses to update a
 * row twice in one statement): give each key once.
 */
export async function insertRows(
  tx: SqlRunner,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  tail = "",
  options: BatchOptions = {},
): Promise<void> {
  const size = options.rowsPerStatement ?? 100;
  const head = `INSERT INTO ${table} (${columns.join(", ")}) VALUES `;
  const one = placeholders(columns.length);
  for (const chunk of chunks(rows, size)) {
    for (const row of chunk)
      if (row.length !== columns.length)
        throw new Error(`insertRows ${table}: a row of ${row.length} values for ${columns.length} columns`);
    await tx.run(`${head}${chunk.map(() => one).join(", ")} ${tail}`, chunk.flat());
  }
}

/**
 * The rows whose `column` is one of `keys`: `sql` is a statement ending in `IN` (e.g. `SELECT … FROM t WHERE id
 * IN`), completed with a list of placeholders per chunk of keys. Duplicate keys are asked once.
 */
export async function selectIn<Row>(
  tx: SqlRunner,
  sql: string,
  keys: readonly SqlValue[],
  options: BatchOptions = {},
): Promise<Row[]> {
  const size = options.rowsPerStatement ?? 100;
  const out: Row[] = [];
  for (const chunk of chunks([...new Set(keys)], size))
    out.push(...(await tx.all<Row>(`${sql} ${placeholders(chunk.length)}`, chunk)));
  return out;
}

/** `DELETE … WHERE column IN (…)` (or any statement ending in `IN`) in chunks of keys; answers the rows changed. */
export async function runIn(
  tx: SqlRunner,
  sql: string,
  keys: readonly SqlValue[],
  options: BatchOptions = {},
): Promise<number> {
  const size = options.rowsPerStatement ?? 100;
  let changed = 0;
  for (const chunk of chunks([...new Set(keys)], size))
    changed += await tx.run(`${sql} ${placeholders(chunk.length)}`, chunk);
  return changed;
}
