import { execFile } from "node:child_process";
import { connect } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const kafkaLauncher = resolve(repoRoot, "scripts/kafka");

/** The brokers the Kafka suites use: `KAFKA_BROKERS` (a user's cluster) or the local launcher's default port. */
export function kafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? "127.0.0.1:19092")
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
}

/** True when the user pointed the tests at their own cluster (then nothing is started or stopped here). */
export const usesOwnKafka = (): boolean => Boolean(process.env.KAFKA_BROKERS);

/** Resolves whether a TCP connection to `host:port` opens within `timeoutMs`. */
export function tcpOpen(hostPort: string, timeoutMs = 1000): Promise<boolean> {
  const [host, port] = hostPort.split(":");
  return new Promise((done) => {
    const socket = connect({ host: host ?? "127.0.0.1", port: Number(port) });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}

/** `true` when the first broker accepts connections, else the reason to report with useBackend. */
export async function probeKafka(): Promise<true | { reason: string }> {
  const [first] = kafkaBrokers();
  if (first && (await tcpOpen(first))) return true;
  return {
    reason: usesOwnKafka()
      ? `KAFKA_BROKERS=${process.env.KAFKA_BROKERS} is unreachable`
      : `no broker on ${first} (scripts/kafka start failed: Java 17 and Maven are needed)`,
  };
}

/** A broker run by scripts/kafka on its own ports and data folder (for tests that stop and restart it). */
export class LocalKafkaBroker {
  readonly port: number;
  readonly env: NodeJS.ProcessEnv;
  constructor(port: number, dataDir: string) {
    this.port = port;
    this.env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(port + 1),
      KAFKA_DATA: dataDir,
    };
  }
  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }
  async start(): Promise<void> {
    await run(kafkaLauncher, ["start"], { env: this.env, timeout: 600_000 });
  }
  async stop(): Promise<void> {
    await run(kafkaLauncher, ["stop"], { env: this.env, timeout: 120_000 });
  }
}
