import type pg from "pg";
import { CheckpointConflictError } from "../errors.ts";
import type { CheckpointStore } from "../event-store.ts";
import { prepared } from "./prepared.ts";
import type { SqlNames } from "./sql-names.ts";

/** A pool (each call its own transaction) or a client inside the caller's transaction. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

/**
 * Checkpoints in the `checkpoints` table, compare-and-set on the previous value. Given a client inside a
 * transaction, the checkpoint commits or rolls back with that transaction's read-model writes; two
 * projectors racing on one subscriber id serialise on the row, and the loser gets CheckpointConflictError.
 */
export class PostgresCheckpointStore implements CheckpointStore {
  readonly #db: Queryable;
  readonly #table: string;

  constructor(db: Queryable, names: SqlNames) {
    this.#db = db;
    this.#table = names.checkpoints;
  }

  async load(subscriberId: string): Promise<string | undefined> {
    const result = await this.#db.query<{ position: string }>(
      prepared(`SELECT position FROM ${this.#table} WHERE subscriber_id = $1`, [subscriberId]),
    );
    return result.rows[0]?.position;
  }

  async store(subscriberId: string, position: string, previous: string | undefined): Promise<void> {
    const result =
      previous === undefined
        ? await this.#db.query(
            prepared(
              `INSERT INTO ${this.#table} (subscriber_id, position) VALUES ($1, $2)
             ON CONFLICT (subscriber_id) DO NOTHING`,
              [subscriberId, position],
            ),
          )
        : await this.#db.query(
            prepared(
              `UPDATE ${this.#table} SET position = $2, updated_at = now()
              WHERE subscriber_id = $1 AND position = $3`,
              [subscriberId, position, previous],
            ),
          );
    if (result.rowCount === 1) return;
    throw new CheckpointConflictError(subscriberId, previous, await this.load(subscriberId));
  }
}
