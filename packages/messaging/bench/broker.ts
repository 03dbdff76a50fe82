import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { kafkaBrokers, kafkaLauncher, tcpOpen, usesOwnKafka } from "@gov/testing";

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * The broker to measure against: KAFKA_BROKERS (a user's cluster, never started or stopped here), else the
 * local launcher's broker on 127.0.0.1:19092, started with scripts/kafka when nothing answers there and then
 * stopped again by `stop`.
 */
export async function benchBroker(): Promise<{
  brokers: string[];
  startedHere: boolean;
  stop(): Promise<void>;
}> {
  const brokers = kafkaBrokers();
  const first = brokers[0] ?? "";
  if (await tcpOpen(first)) return { brokers, startedHere: false, stop: async () => {} };
  if (usesOwnKafka()) throw new Error(`KAFKA_BROKERS=${process.env.KAFKA_BROKERS} is unreachable`);
  process.stderr.write(`[bench] no broker on ${first}: starting one with scripts/kafka\n`);
  await run(kafkaLauncher, ["start"], { timeout: 600_000 });
  return {
    brokers,
    startedHere: true,
    stop: async () => {
      await run(kafkaLauncher, ["stop"], { timeout: 120_000 }).catch(() => undefined);
    },
  };
}

/** The local launcher's Kafka jars (fetched by scripts/kafka), or why there are none. */
export function kafkaLibs(): { libs: string } | { reason: string } {
  const pom = readFileSync(resolve(root, "infra/kafka-local/pom.xml"), "utf8");
  const version = /<kafka\.version>(.*)<\/kafka\.version>/.exec(pom)?.[1] ?? "";
  const libs = resolve(root, ".cache/kafka", version, "libs");
  if (existsSync(resolve(libs, ".complete"))) return { libs };
  return {
    reason: `no Kafka ${version} jars in ${relative(root, libs)}${usesOwnKafka() ? " (KAFKA_BROKERS is set, so scripts/kafka never fetched them; `scripts/kafka start` once would)" : ""}`,
  };
}

/** ProducerPerformance's final summary line. Latencies are send → acknowledged, at full throttle. */
export interface ProducerPerf {
  records: number;
  recordsPerSec: number;
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Kafka's own producer tool (org.apache.kafka.tools.ProducerPerformance, Java client) with the same settings
 * as the relay's producer: acks=all, idempotent, no compression. Returns the reason when it cannot run.
 */
export async function producerPerformance(
  brokers: readonly string[],
  topic: string,
  records: number,
  recordSize: number,
): Promise<ProducerPerf | { reason: string }> {
  const found = kafkaLibs();
  if ("reason" in found) return found;
  let stdout: string;
  try {
    ({ stdout } = await run(
      "java",
      [
        "-cp",
        `${found.libs}/*`,
        "-Dlog4j.configuration=file:/dev/null",
        "org.apache.kafka.tools.ProducerPerformance",
        "--topic",
        topic,
        "--num-records",
        String(records),
        "--record-size",
        String(recordSize),
        "--throughput",
        "-1",
        "--producer-props",
        `bootstrap.servers=${brokers.join(",")}`,
        "acks=all",
        "enable.idempotence=true",
      ],
      { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
    ));
  } catch (error) {
    return { reason: `ProducerPerformance failed: ${(error as Error).message.split("\n")[0]}` };
  }
  // "50000 records sent, 27995.5 records/sec (26.70 MB/sec), 414.47 ms avg latency, 576.00 ms max latency,
  //  468 ms 50th, 548 ms 95th, 552 ms 99th, 574 ms 99.9th."  (earlier lines are progress without percentiles)
  const summary = stdout.split("\n").find((l) => l.includes(" 99th")) ?? "";
  const m =
    /(\d+) records sent, ([\d.]+) records\/sec .*?, ([\d.]+) ms avg latency, ([\d.]+) ms max latency, ([\d.]+) ms 50th, ([\d.]+) ms 95th, ([\d.]+) ms 99th/.exec(
      summary,
    );
  if (!m) return { reason: `could not read ProducerPerformance's summary: ${summary || stdout.slice(-200)}` };
  const [records_, rate, avg, max, p50, p95, p99] = m.slice(1).map(Number) as number[];
  return {
    records: records_ as number,
    recordsPerSec: rate as number,
    avgMs: avg as number,
    p50Ms: p50 as number,
    p95Ms: p95 as number,
    p99Ms: p99 as number,
    maxMs: max as number,
  };
}
