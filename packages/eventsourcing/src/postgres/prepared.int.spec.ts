import { useBackend } from "@gov/testing";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { prepared } from "./prepared.ts";
import { probePostgres, testPoolConfig } from "./test-support.ts";

const run = useBackend("postgres", "eventsourcing/postgres prepared statements", await probePostgres());

describe("prepared: hot statements parsed and planned once per connection", () => {
  it("names a statement by its text, the same name for the same text; one without parameters goes unnamed", () => {
    const a = prepared("SELECT $1::int AS x", [1]);
    expect(a.name).toMatch(/^gov_[0-9a-f]{32}$/);
    expect(prepared("SELECT $1::int AS x", [2]).name).toBe(a.name);
    expect(prepared("SELECT $1::int AS y", [1]).name).not.toBe(a.name);
    expect(prepared("SELECT 1; SELECT 2", []).name).toBeUndefined();
  });

  it.skipIf(!run)(
    "is prepared on the connection once, and answers each call with its own values",
    async () => {
      const client = new pg.Client(testPoolConfig());
      await client.connect();
      try {
        const text = `SELECT $1::int * 2 AS doubled /* ${Math.random()} */`;
        const first = await client.query(prepared(text, [21]));
        const second = await client.query(prepared(text, [5]));
        expect(first.rows[0].doubled).toBe(42);
        expect(second.rows[0].doubled).toBe(10);
        const { rows } = await client.query<{ n: string }>(
          "SELECT count(*)::text AS n FROM pg_prepared_statements WHERE name = $1",
          [prepared(text, [0]).name],
        );
        expect(rows[0]?.n).toBe("1");
      } finally {
        await client.end();
      }
    },
  );

  // Last: it fills this process's cap.
  it("stops naming new texts past 2 000 distinct ones (each connection keeps what it prepared)", () => {
    for (let i = 0; i < 2100; i++) prepared(`SELECT $1::int + ${i}`, [i]);
    expect(prepared("SELECT $1::int + 100", [0]).name).toMatch(/^gov_/); // named before the cap: still named
    expect(prepared("SELECT $1::int + 99999", [0]).name).toBeUndefined();
  });
});
