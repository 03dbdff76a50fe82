import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { kafkaBrokers, probeKafka, useBackend } from "@gov/testing";
import { describe, expect, it } from "vitest";

const run = useBackend("kafka", "kafkajs TimeoutNegativeWarning silenced", await probeKafka());
const exec = promisify(execFile);

/** A process that connects with kafkajs (which trips the warning on Node 24), then emits a warning of its own. */
const script = (silence: boolean) => `
import { createKafka } from ${JSON.stringify(join(import.meta.dirname, "kafka-client.ts"))};
import { Kafka, logLevel } from "kafkajs";
const brokers = ${JSON.stringify(kafkaBrokers())};
const kafka = ${silence ? 'createKafka({ brokers, clientId: "warning-test" })' : 'new Kafka({ brokers, clientId: "warning-test", logLevel: logLevel.NOTHING })'};
const admin = kafka.admin();
await admin.connect();
await admin.describeCluster();
await admin.disconnect();
process.emitWarning("a warning of our own", "ExampleWarning");
`;

describe.skipIf(!run)("kafkajs' TimeoutNegativeWarning (kafkajs issue #1751)", () => {
  it("without the filter Node prints it on connect (so the test below can fail)", async () => {
    const { stderr } = await exec(process.execPath, ["--input-type=module", "-e", script(false)], {
      cwd: import.meta.dirname,
    });
    expect(stderr).toMatch(/TimeoutNegativeWarning/);
  });

  it("createKafka silences exactly that warning: another warning still shows", async () => {
    const { stderr } = await exec(process.execPath, ["--input-type=module", "-e", script(true)], {
      cwd: import.meta.dirname,
    });
    expect(stderr).not.toMatch(/TimeoutNegativeWarning/);
    expect(stderr).toMatch(/ExampleWarning: a warning of our own/);
  });
});
