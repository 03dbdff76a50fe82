import { existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { useBackend } from "./backends.ts";
import { freePort, LocalKafkaBroker, probeKafka, usesOwnKafka } from "./kafka.ts";

// scripts/kafka works here when the shared broker it started answers. With KAFKA_BROKERS (a cluster of the user's),
// the launcher is not used and neither is this test.
const run = !usesOwnKafka() && useBackend("kafka", "LocalKafkaBroker: a failed start", await probeKafka());

describe.skipIf(!run)("LocalKafkaBroker, a start that fails", () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise((done) => server.close(done));
  });

  it("rejects, leaves no broker running and removes the data folder it made", async () => {
    // The controller's port (broker port + 1) is taken, so the JVM starts, cannot bind and exits.
    const port = await freePort(true);
    const blocker = createServer();
    servers.push(blocker);
    await new Promise<void>((done) => blocker.listen(port + 1, "127.0.0.1", done));
    const broker = new LocalKafkaBroker(port);
    const folder = broker.dataDir;
    expect(existsSync(folder)).toBe(true);

    await expect(broker.start()).rejects.toThrow();

    expect(broker.pid).toBeUndefined();
    expect(existsSync(folder)).toBe(false);
  });
});
