// The platform under test, in a process of its own (`e2e.bench.ts` forks it, with `--cpu-prof`): embedded mode
// as ./scripts/start runs it — every service in one process, one SQLite file in a temporary folder, the demo
// catalog and subjects loaded — answering the bench over IPC (its port, its memory, when the load ran).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { writeHeapSnapshot } from "node:v8";
import { createGateway } from "@gov/gateway/src/gateway.ts";
import { loadConfig, shutdown } from "@gov/service-kit";
import { fixedPlatformClock } from "@gov/testing";

export type ToServer =
  /** `collect`: a full garbage collection first (the bench forks with --expose-gc), to tell kept from garbage. */
  | { type: "memory"; collect?: boolean }
  /** Writes a V8 heap snapshot into `dir` (open it in Chrome DevTools' Memory tab). */
  | { type: "snapshot"; dir: string }
  | { type: "mark"; label: string }
  | { type: "stop" };
export type FromServer =
  | { type: "ready"; port: number }
  | { type: "memory"; rss: number; maxRss: number; heapUsed: number; heapTotal: number; external: number }
  | { type: "snapshot"; file: string }
  /** `logPosition`: the event store's last position then (how many events the platform appended in between). */
  | { type: "mark"; label: string; atUs: number; logPosition: number }
  | { type: "stopped" };

const send = (message: FromServer) => process.send?.(message);
const dataDir = mkdtempSync(join(tmpdir(), "bench-e2e-"));
const app = await createGateway(
  // Production's logging (JSON access lines at info; the bench discards the output), development's keys.
  loadConfig({ NODE_ENV: "test", LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info" }),
  // On a fixed day, so that the limits it counts end inside a year whose working-day calendar is published
  // (from December, a limit counted from today ends in a year whose calendar may not be out yet).
  { dataDir, seedDemo: true, adjustableClock: true, clockOffsetMs: fixedPlatformClock().offsetMs },
);
await app.listen({ port: 0, host: "127.0.0.1" });

process.on("message", async (message: ToServer) => {
  if (message.type === "memory") {
    if (message.collect) (globalThis as { gc?: () => void }).gc?.();
    const usage = process.memoryUsage();
    // maxRSS is in kilobytes.
    send({
      type: "memory",
      rss: usage.rss,
      heapUsed: usage.heapUsed,
      heapTotal: usage.heapTotal,
      external: usage.external,
      maxRss: process.resourceUsage().maxRSS * 1024,
    });
  } else if (message.type === "snapshot") {
    send({
      type: "snapshot",
      file: writeHeapSnapshot(join(message.dir, `embedded-${process.pid}.heapsnapshot`)),
    });
  } else if (message.type === "mark") {
    // The clock of V8's CPU profile (monotonic, µs): the bench keeps only the samples between two marks.
    const atUs = Number(process.hrtime.bigint() / 1000n);
    const log = new DatabaseSync(join(dataDir, "platform.db"), { readOnly: true });
    try {
      const { p } = log.prepare("SELECT COALESCE(MAX(position), 0) AS p FROM events").get() as { p: number };
      send({ type: "mark", label: message.label, atUs, logPosition: p });
    } finally {
      log.close();
    }
  } else if (message.type === "stop") {
    await shutdown(app);
    rmSync(dataDir, { recursive: true, force: true });
    send({ type: "stopped" });
    // Exits normally so that --cpu-prof writes its profile.
    process.disconnect();
  }
});
send({ type: "ready", port: (app.server.address() as { port: number }).port });
