import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { NewEvent } from "@gov/eventsourcing";
import { embeddedTestStore } from "@gov/eventsourcing/testing";
import { kafkaBrokers, probeKafka, useBackend } from "@gov/testing";
import { describe, expect, it } from "vitest";
import { runRelay } from "../relay/relay.ts";
import { connectKafka } from "./connect.ts";

/**
 * examples/java-subscriber — Kafka's own Java client and the CloudEvents Java SDK, none of our code — reads
 * events the platform's store chained and its relay published: proof that our binary-mode headers are what
 * the standard SDK expects, and that the hash chain can be checked outside the platform (docs/integrating.md).
 */
const exec = promisify(execFile);
const project = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../examples/java-subscriber");

async function javaAndMaven(): Promise<true | { reason: string }> {
  for (const [tool, args] of [
    ["java", ["-version"]],
    ["mvn", ["-v"]],
  ] as const) {
    const found = await exec(tool, [...args]).then(
      () => true,
      () => false,
    );
    if (!found) return { reason: `${tool} is not installed (the Java subscriber needs Java 17+ and Maven)` };
  }
  return true;
}

/** Compiles the example and copies its runtime classpath to target/dependency (offline when ~/.m2 has it). */
async function build(): Promise<void> {
  const goals = ["-B", "-q", "compile", "dependency:copy-dependencies", "-DincludeScope=runtime"];
  try {
    await exec("mvn", ["-o", ...goals], { cwd: project, timeout: 300_000 });
  } catch {
    await exec("mvn", goals, { cwd: project, timeout: 600_000 });
  }
}

/** Runs the subscriber until it has printed `count` events and exits; its stdout lines. */
function subscribe(topic: string, count: number): Promise<string[]> {
  return new Promise((done, fail) => {
    const child = spawn(
      "java",
      [
        "-cp",
        `target/classes:target/dependency/*`,
        "gov.platform.examples.Subscriber",
        kafkaBrokers().join(","),
        topic,
        `java-${randomUUID()}`,
        String(count),
      ],
      { cwd: project, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString("utf8");
    });
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString("utf8");
    });
    // A deadline, not a timing: on a busy machine the JVM and the group join take a while.
    const deadline = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.on("error", fail);
    child.on("exit", (code, signal) => {
      clearTimeout(deadline);
      if (code === 0) done(out.split("\n").filter(Boolean));
      else fail(new Error(`the Java subscriber ended with ${code ?? signal}:\n${out}\n${err}`));
    });
  });
}

const parse = (line: string) =>
  Object.fromEntries(
    line
      .split(" ")
      .slice(1)
      .map((kv) => kv.split("=", 2) as [string, string]),
  );

const available = await probeKafka();
const run = useBackend(
  "kafka",
  "a Java subscriber (kafka-clients + CloudEvents SDK) reads our topics",
  available === true ? await javaAndMaven() : available,
);

describe.skipIf(!run)("examples/java-subscriber against the real broker", () => {
  it("decodes the events as CloudEvents, in order per case, and verifies their hashes and links", async () => {
    await build();
    const t = await embeddedTestStore();
    const category = `java${randomUUID().slice(0, 8)}`;
    const event = (type: string, caseid: string, data: NewEvent["data"]): NewEvent => ({
      id: randomUUID(),
      type: `gov.test.${category}.${type}.v1`,
      source: "gov.test",
      time: new Date().toISOString(),
      data,
      caseid,
      causationid: randomUUID(),
      correlationid: `req-${caseid}`,
      region: "330106",
      actor: { id: "clerk-1", role: "window-clerk", department: "330106-market" },
    });
    // Two cases, interleaved; data with Chinese text, fractions, nesting and escapes, which canonical JSON
    // (RFC 8785) must render exactly as the store did.
    const a = `${category}-A`;
    const b = `${category}-B`;
    const caseA = "A2026000001";
    const caseB = "A2026000002";
    await t.store.append(
      a,
      [event("submitted", caseA, { matter: "公共场所卫生许可", fee: 12.5, n: 3 })],
      "no-stream",
    );
    await t.store.append(
      b,
      [event("submitted", caseB, { matter: "食品经营许可", tags: ["一次", "告知"] })],
      "no-stream",
    );
    await t.store.append(a, [event("checked", caseA, { complete: false, missing: [{ id: "m-1" }] })], 0);
    await t.store.append(b, [event("accepted", caseB, { note: 'quote " and \\ and \u00e9', big: 1e21 })], 0);
    await t.store.append(a, [event("accepted", caseA, { on: "2026-03-02", days: 0.1 })], 1);

    const kafka = connectKafka({ brokers: kafkaBrokers(), clientId: "java-subscriber-test" });
    const controller = new AbortController();
    let published = 0;
    const relay = runRelay({
      store: t.store,
      checkpoints: t.store.checkpoints,
      publisher: kafka.publisher,
      owner: "test",
      signal: controller.signal,
      onPublished: (n) => {
        published += n;
      },
    });
    await expect.poll(() => published, { timeout: 60_000, interval: 50 }).toBe(5);
    controller.abort();
    await relay;
    // One tampered copy: the body changed, the hash kept. The subscriber must notice.
    const [last] = (await t.store.readStream(a)).slice(-1);
    if (!last) throw new Error("no event");
    await kafka.publisher.publish([{ ...last, id: randomUUID(), data: { on: "2026-03-03", days: 0.1 } }]);

    const lines = (await subscribe(`gov.test.${category}.v1`, 6)).filter((l) => l.startsWith("event "));
    const events = lines.map(parse);
    const ofCase = (c: string) => events.filter((e) => e.caseid === c);
    expect(ofCase(caseA).map((e) => e.type)).toEqual([
      `gov.test.${category}.submitted.v1`,
      `gov.test.${category}.checked.v1`,
      `gov.test.${category}.accepted.v1`,
      `gov.test.${category}.accepted.v1`,
    ]);
    expect(ofCase(caseB).map((e) => e.type)).toEqual([
      `gov.test.${category}.submitted.v1`,
      `gov.test.${category}.accepted.v1`,
    ]);
    for (const e of events) expect(e.key).toBe(e.caseid);
    expect(ofCase(caseA).map((e) => e.streamversion)).toEqual(["0", "1", "2", "2"]);
    // Every event the platform wrote verifies; the tampered copy does not (and still links to version 1).
    const verdicts = events.map((e) => `${e.caseid}/${e.streamversion}/${e.hash?.slice(0, 8)}`);
    expect(verdicts.filter((v) => !v.endsWith("/ok"))).toEqual([`${caseA}/2/MISMATCH`]);
    expect(events.filter((e) => e.link !== "ok")).toEqual([]);

    await kafka.close();
    await t.dispose();
  }, 600_000);
});
