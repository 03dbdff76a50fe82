import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { tempDir } from "./temp-dir.ts";

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

/** A TCP port nobody listens on right now (the OS picks it), with `port + 1` free as well when `pair`. */
export async function freePort(pair = false): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = await new Promise<number>((done, fail) => {
      const server = createServer();
      server.once("error", fail);
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => done(port));
      });
    });
    if (!pair || port >= 65535) {
      if (!pair) return port;
      continue;
    }
    const next = await new Promise<boolean>((done) => {
      const server = createServer();
      server.once("error", () => done(false));
      server.listen(port + 1, "127.0.0.1", () => server.close(() => done(true)));
    });
    if (next) return port;
    if (attempt > 50) throw new Error("no free pair of ports");
  }
}

const startedBrokers = new Set<LocalKafkaBroker>();
let brokerNetInstalled = false;
/** Kills (SIGKILL, by the pid file scripts/kafka keeps) every broker a test started and did not stop. */
function installBrokerExitNet(): void {
  if (brokerNetInstalled) return;
  brokerNetInstalled = true;
  process.on("exit", () => {
    for (const broker of startedBrokers) broker.killNow();
  });
}

/**
 * A broker run by scripts/kafka on its own ports and data folder (for tests that stop and restart it). Without
 * a port it takes a free pair (broker and controller) when it first starts, so that two runs on one machine
 * never meet. `dispose()` stops it and deletes its data; a broker still running when the test process exits is
 * killed by a `process.on("exit")` safety net. A data folder it made itself (no `dataDir` given) is also removed
 * when `start()` fails, and when the test process ends however it ends (`tempDir`).
 */
export class LocalKafkaBroker {
  #port: number;
  readonly #dataDir: string;
  readonly #ownsDataDir: boolean;
  /** The pid of the last start, for the exit net when the pid file has gone with the folder. */
  #startedPid: number | undefined;
  constructor(port?: number, dataDir?: string) {
    this.#port = port ?? 0;
    this.#ownsDataDir = dataDir === undefined;
    this.#dataDir = dataDir ?? tempDir("kafka-test-");
  }
  get port(): number {
    return this.#port;
  }
  get dataDir(): string {
    return this.#dataDir;
  }
  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KAFKA_PORT: String(this.#port),
      KAFKA_CONTROLLER_PORT: String(this.#port + 1),
      KAFKA_DATA: this.#dataDir,
    };
  }
  get brokers(): string[] {
    return [`127.0.0.1:${this.#port}`];
  }
  /** The broker's JVM pid while it runs (from scripts/kafka's pid file). */
  get pid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.#dataDir, "broker.pid"), "utf8").trim());
      return pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }
  async start(): Promise<void> {
    if (this.#port === 0) this.#port = await freePort(true);
    installBrokerExitNet();
    startedBrokers.add(this);
    try {
      await run(kafkaLauncher, ["start"], { env: this.env, timeout: 600_000 });
      this.#startedPid = this.pid;
    } catch (error) {
      // A half-started broker (it began but never served) is stopped too, and a folder of its own removed: a
      // suite skipped for it never reaches the dispose() that would have.
      await this.stop().catch(() => this.killNow());
      if (this.#ownsDataDir) rmSync(this.#dataDir, { recursive: true, force: true });
      throw error;
    }
  }
  async stop(): Promise<void> {
    await run(kafkaLauncher, ["stop"], { env: this.env, timeout: 120_000 });
    this.#startedPid = undefined;
    startedBrokers.delete(this);
  }
  /** Stops the broker and deletes its data folder. */
  async dispose(): Promise<void> {
    await this.stop().catch(() => this.killNow());
    rmSync(this.#dataDir, { recursive: true, force: true });
  }
  /** SIGKILLs the broker at once, synchronously (the exit safety net). */
  killNow(): void {
    const pid = this.pid ?? this.#startedPid;
    this.#startedPid = undefined;
    if (pid === undefined) return;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone already
    }
    rmSync(join(this.#dataDir, "broker.pid"), { force: true });
    startedBrokers.delete(this);
  }
}
