import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { embeddedTestStore } from "@gov/eventsourcing/testing";
import { kafkaBrokers, probeKafka, useBackend } from "@gov/testing";
import { describe, expect, it } from "vitest";
import { runRelay } from "../relay/relay.ts";
import { newEvent } from "../testing/bus-contract.ts";
import { connectKafka } from "./connect.ts";

const exec = promisify(execFile);

/** kcat (Debian package `kcat`), an independent Kafka client: installed on demand where we may (root, apt). */
async function kcatAvailable(): Promise<true | { reason: string }> {
  const found = await exec("kcat", ["-V"]).then(
    () => true,
    () => false,
  );
  if (found) return true;
  try {
    await exec("sh", ["-c", "apt-get update -qq && apt-get install -y -qq kcat"], { timeout: 300_000 });
    await exec("kcat", ["-V"]);
    return true;
  } catch (error) {
    return { reason: `kcat is not installed and could not be installed: ${(error as Error).message}` };
  }
}

const kafkaUp = await probeKafka();
const kcat = kafkaUp === true ? await kcatAvailable() : kafkaUp;
const run = useBackend("kafka", "kcat reads our topics", kcat);

describe.skipIf(!run)("an independent client (kcat) reading a topic", () => {
  it("sees the CloudEvents binary-mode headers, the case id as key and the data as the body", async () => {
    const t = await embeddedTestStore();
    const category = `kc${randomUUID().slice(0, 8)}`;
    const event = newEvent({ matter: "公共场所卫生许可" }, "case-kcat-1");
    await t.store.append(`${category}-1`, [event], "no-stream");
    const kafka = connectKafka({ brokers: kafkaBrokers(), clientId: "kcat-test" });
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
    while (published < 1) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await relay;
    const topic = `gov.test.${category}.v1`;
    const { stdout } = await exec(
      "kcat",
      [
        "-b",
        kafkaBrokers().join(","),
        "-C",
        "-t",
        topic,
        "-o",
        "beginning",
        "-e",
        "-q",
        "-f",
        "%k\\t%h\\t%s\\n",
      ],
      { timeout: 30_000 },
    );
    const [key, headers, body] = stdout.trim().split("\t");
    expect(key).toBe("case-kcat-1");
    expect(JSON.parse(body ?? "")).toEqual({ matter: "公共场所卫生许可" });
    const h = Object.fromEntries((headers ?? "").split(",").map((kv) => kv.split("=", 2)));
    expect(h).toMatchObject({
      ce_specversion: "1.0",
      ce_id: event.id,
      ce_type: "gov.test.thing.happened.v1",
      ce_source: "gov.test",
      ce_subject: `${category}-1`,
      ce_time: event.time,
      ce_caseid: "case-kcat-1",
      ce_streamversion: "0",
      "content-type": "application/json",
    });
    expect(h.ce_hash).toMatch(/^[0-9a-f]{64}$/);
    await kafka.close();
    await t.dispose();
  });
});
