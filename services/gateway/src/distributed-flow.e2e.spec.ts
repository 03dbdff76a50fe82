import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  dropSchema,
  freshSchema,
  probePostgres,
  testConnectionString,
} from "@gov/eventsourcing/testing/postgres";
import { mintToken } from "@gov/service-kit";
import { kafkaBrokers, probeKafka, useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const suite = "matters, credit and intake as separate processes over Kafka";
const run =
  useBackend("postgres", suite, await probePostgres()) && useBackend("kafka", suite, await probeKafka());

const root = resolve(import.meta.dirname, "../../..");
const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
const token = async (role: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${await mintToken({ sub: `${role}-e2e`, role: role as never, ...extra })}`,
});

describe.skipIf(!run)(suite, () => {
  const schema = freshSchema("e2e");
  const dataDir = mkdtempSync(join(tmpdir(), "e2e-"));
  const children: { name: string; child: ChildProcess; log: string[] }[] = [];
  const url: Record<string, string> = {};
  const tag = randomUUID().slice(0, 8);

  beforeAll(async () => {
    const cs = testConnectionString() ?? "postgres://postgres@127.0.0.1:5432/postgres";
    for (const name of ["matters", "credit", "intake"]) {
      const port = await freePort();
      url[name] = `http://127.0.0.1:${port}`;
      const child = spawn(process.execPath, [join(root, `services/${name}/src/main.ts`)], {
        env: {
          ...process.env,
          NODE_ENV: "test",
          LOG_LEVEL: "warn",
          PORT: String(port),
          HOST: "127.0.0.1",
          EVENT_STORE: "postgres",
          DATABASE_URL: cs,
          EVENT_STORE_SCHEMA: schema,
          EVENT_BUS: "kafka",
          KAFKA_BROKERS: kafkaBrokers().join(","),
          DATA_DIR: dataDir,
          DEMO_DATA: "false",
          RELAY_LEASE_TTL_MS: "2000",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const log: string[] = [];
      child.stdout?.on("data", (d) => log.push(String(d)));
      child.stderr?.on("data", (d) => log.push(String(d)));
      children.push({ name, child, log });
    }
    for (const { name, log } of children) {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const status = (await fetch(`${url[name]}/health/ready`).catch(() => undefined))?.status;
        if (status === 200) break;
        if (Date.now() > deadline)
          throw new Error(`${name} never became ready: ${log.join("").slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }, 120_000);

  afterAll(async () => {
    for (const { child } of children) child.kill("SIGTERM");
    await Promise.all(
      children.map(
        ({ child }) => new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r))),
      ),
    );
    rmSync(dataDir, { recursive: true, force: true });
    await dropSchema(schema);
  });

  const call = async (
    service: string,
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: object,
  ) => {
    const res = await fetch(`${url[service]}${path}`, {
      method,
      headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json().catch(() => undefined)) as Record<string, unknown> };
  };

  it("a matter published in matters and a red-list entry in credit reach intake through Kafka; the application carries the credit effect and is accepted", async () => {
    const { hygieneElements } = await import("@gov/intake/test-support");
    const matterId = `hygiene-${tag}`;
    const admin = await token("admin");
    expect(
      (await call("matters", "POST", "/matters/", admin, { matterId, elements: hygieneElements })).status,
    ).toBe(201);
    const officer = await token("officer", { department: hygieneElements.implementingDepartment.creditCode });
    expect((await call("matters", "POST", `/matters/${matterId}/claim`, officer)).status).toBe(200);
    expect((await call("matters", "POST", `/matters/${matterId}/publish`, admin, {})).status).toBe(200);

    const creditCode = "91330106MA2K5N9R4F";
    const creditAdmin = await token("credit-admin");
    const registered = await call("credit", "POST", "/credit/subjects", creditAdmin, {
      kind: "organisation",
      creditCode,
      name: "杭州示例科技有限公司",
    });
    expect([200, 201]).toContain(registered.status);
    const subjectId = registered.json.subjectId as string;
    const listed = await call("credit", "POST", `/credit/subjects/${subjectId}/listings`, creditAdmin, {
      listingId: `red-${tag}`,
      list: "red",
      issuingDepartment: { creditCode: "11330100MB1612A374", name: "国家税务总局杭州市税务局" },
      legalBasis: "《纳税信用管理办法》第二十二条",
      reason: "纳税信用A级",
    });
    expect(listed.status).toBe(201);

    // Intake learns both only from Kafka: an application submitted once they arrived carries the green channel.
    const clerk = await token("window-clerk", { region: hygieneElements.region });
    const application = {
      matterId,
      applicant: { kind: "organisation", creditCode },
      channel: "window",
      materials: [
        { materialId: "M01", provision: "provided", file: { uri: "file:///a.pdf", sha256: "d".repeat(64) } },
        { materialId: "LIC", provision: "certificate", certificateId: "ZZ-E2E" },
        { materialId: "M03", provision: "provided", file: { uri: "file:///b.pdf", sha256: "e".repeat(64) } },
        { materialId: "M04", provision: "provided", file: { uri: "file:///c.pdf", sha256: "f".repeat(64) } },
      ],
    };
    let applicationId = "";
    await expect
      .poll(
        async () => {
          const r = await call("intake", "POST", "/intake/applications", clerk, application);
          if (r.status !== 201) return r.status;
          applicationId = r.json.applicationId as string;
          const view = await call("intake", "GET", `/intake/applications/${applicationId}`, clerk);
          return (view.json?.flags as string[] | undefined)?.join(",") ?? "not yet visible";
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe("green-channel");
    const checked = await call("intake", "POST", `/intake/applications/${applicationId}/check`, clerk, {});
    expect(checked.status).toBe(200);
    expect(checked.json.caseNumber).toMatch(new RegExp(`^${hygieneElements.implementationCode}\\d{12}$`));
  }, 120_000);
});
