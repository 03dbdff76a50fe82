import type pg from "pg";

/**
 * Exactly once in effect for a read model in PostgreSQL: the handler's writes and the processed event id
 * commit in one transaction. The id is inserted first, so two deliveries racing on one event serialise on
 * its primary key and the second finds it taken.
 */
export async function postgresInbox(pool: pg.Pool, table = "processed_events") {
  if (!/^[a-z_][a-z0-9_.]*$/.test(table)) throw new Error(`not a table name: ${table}`);
  await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (
    consumer text NOT NULL, event_id text NOT NULL, processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id))`);
  return {
    async once(
      consumer: string,
      eventId: string,
      work: (client: pg.PoolClient) => Promise<void>,
    ): Promise<boolean> {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const inserted = await client.query(
          `INSERT INTO ${table} (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
          [consumer, eventId],
        );
        if (inserted.rowCount === 0) {
          await client.query("ROLLBACK");
          return false;
        }
        await work(client);
        await client.query("COMMIT");
        return true;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
