// vitest global set-up for projects with Kafka suites: starts the local broker (scripts/kafka) once per run
// unless KAFKA_BROKERS names a cluster, and stops it afterwards if this run started it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { kafkaBrokers, kafkaLauncher, tcpOpen, usesOwnKafka } from "./kafka.ts";

const run = promisify(execFile);

export default async function setup(): Promise<() => Promise<void>> {
  if (usesOwnKafka()) return async () => {};
  const [first] = kafkaBrokers();
  if (first && (await tcpOpen(first))) return async () => {}; // already running: not ours to stop
  try {
    await run(kafkaLauncher, ["start"], { timeout: 600_000 });
  } catch (error) {
    // The suites report kafka=skipped with the reason (a failure under CI=true).
    process.stderr.write(`[kafka] could not start the local broker: ${(error as Error).message}\n`);
    return async () => {};
  }
  return async () => {
    await run(kafkaLauncher, ["stop"], { timeout: 120_000 }).catch(() => undefined);
  };
}
