// One trace from an HTTP request through the outbox and Kafka into another service (docs/operations.md,
// "Tracing"): matters, intake and exchange, each built as its own service app (its own store handle, relay,
// consumers and read models) on one PostgreSQL store and the real Kafka broker, in this process, with the
// OpenTelemetry SDK started here on an in-memory exporter. The `node --import` entry that starts the same SDK
// in a service process is tested on its own (packages/telemetry/src/register.int.spec.ts).
import { randomInt, randomUUID } from "node:crypto";
import {
  dropSchema,
  freshSchema,
  probePostgres,
  testConnectionString,
} from "@gov/eventsourcing/testing/postgres";
import { exchangeModule } from "@gov/exchange";
import { creditCodeCheckCharacter } from "@gov/identifiers";
import { intakeModule } from "@gov/intake";
import { hygieneElements } from "@gov/intake/test-support";
import { mattersModule } from "@gov/matters";
import { buildServiceApp, loadRuntimeConfig, projectionSchema, type ServiceDefinition } from "@gov/runtime";
import { type App, mintToken, type Role, shutdown } from "@gov/service-kit";
import { startTracing } from "@gov/telemetry/sdk";
import { kafkaBrokers, probeKafka, useBackend } from "@gov/testing";
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const suite = "one trace across services (distributed mode, in-memory span exporter)";
const run =
  useBackend("postgres", suite, await probePostgres()) && useBackend("kafka", suite, await probeKafka());

const WAIT = { timeout: 60_000, interval: 250 };
const SERVICES: ServiceDefinition[] = [
  { service: "matters", categories: ["matter", "bundle", "calendar", "baseline"], module: mattersModule },
  { service: "intake", categories: ["application", "caseserial"], module: intakeModule },
  { service: "exchange", categories: ["casestep"], module: exchangeModule },
];

describe.skipIf(!run)(suite, () => {
  const exporter = new InMemorySpanExporter();
  const schema = freshSchema("tracing");
  const apps = new Map<string, App>();
  let tracing: Awaited<ReturnType<typeof startTracing>>;

  beforeAll(async () => {
    tracing = await startTracing({}, { spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    for (const definition of SERVICES) {
      const config = loadRuntimeConfig({
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        EVENT_STORE: "postgres",
        EVENT_STORE_SCHEMA: schema,
        ...(testConnectionString() ? { DATABASE_URL: testConnectionString() as string } : {}),
        EVENT_BUS: "kafka",
        KAFKA_BROKERS: kafkaBrokers().join(","),
        RELAY_LEASE_TTL_MS: "1000",
      });
      apps.set(definition.service, await buildServiceApp(definition, config));
    }
  }, 120_000);
  afterAll(async () => {
    for (const app of [...apps.values()].reverse()) await shutdown(app).catch(() => undefined);
    await tracing?.shutdown();
    await dropSchema(schema).catch(() => undefined);
    for (const { service } of SERVICES)
      await dropSchema(projectionSchema(service, schema)).catch(() => undefined);
  }, 60_000);

  const call = async (
    service: string,
    method: string,
    url: string,
    role: Role,
    payload?: object,
    claims = {},
  ) => {
    const token = await mintToken({ sub: `${role}-tracing`, role, ...claims });
    const res = await (apps.get(service) as App).inject({
      method: method as "POST",
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
    return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : undefined };
  };

  it("one submission: intake's request, its append, the relay's send, exchange's processing and its append share one trace", {
    timeout: 180_000,
  }, async () => {
    const tag = String(randomInt(1000, 9999));
    const matterId = `hygiene-trace-${tag}`;
    const dept = hygieneElements.implementingDepartment;
    expect(
      (await call("matters", "POST", "/matters/", "admin", { matterId, elements: hygieneElements })).status,
    ).toBe(201);
    expect(
      (
        await call("matters", "POST", `/matters/${matterId}/claim`, "officer", undefined, {
          department: dept.creditCode,
        })
      ).status,
    ).toBe(200);
    expect((await call("matters", "POST", `/matters/${matterId}/publish`, "admin", {})).status).toBe(200);

    const first17 = `91330106${tag}MA2H1`;
    const file = (materialId: string) => ({
      materialId,
      provision: "provided",
      file: { uri: `file:///tracing/${materialId}.pdf`, sha256: "9".repeat(64) },
    });
    const body = {
      matterId,
      applicant: { kind: "organisation", creditCode: `${first17}${creditCodeCheckCharacter(first17)}` },
      channel: "window",
      materials: [
        file("M01"),
        { materialId: "LIC", provision: "certificate", certificateId: `ZZ-${randomUUID().slice(0, 8)}` },
        file("M03"),
        file("M04"),
      ],
    };
    // Intake learns the matter from the catalog topic: until then a submission is refused (and stores nothing).
    let applicationId = "";
    let lastRefusal = "";
    await expect
      .poll(async () => {
        const r = await call("intake", "POST", "/intake/applications", "window-clerk", body, {
          region: hygieneElements.region,
        });
        if (r.status === 201) applicationId = r.json.id;
        else lastRefusal = JSON.stringify(r.json);
        return r.status;
      }, WAIT)
      .toBe(201)
      .catch((error) => {
        throw new Error(`${String(error)}; last refusal: ${lastRefusal}`);
      });

    const spans = () => exporter.getFinishedSpans();
    // The request that succeeded, and its trace.
    const request = spans().find(
      (s) =>
        s.name === "POST /intake/applications" &&
        s.attributes["http.route"] === "/intake/applications" &&
        s.attributes["http.response.status_code"] === 201,
    ) as ReadableSpan;
    expect(request, "intake's request span (@fastify/otel)").toBeDefined();
    const traceId = request.spanContext().traceId;
    const inTrace = () => spans().filter((s) => s.spanContext().traceId === traceId);
    const appendOf = (category: string) =>
      inTrace().find(
        (s) => s.name === "event-store append" && s.attributes["gov.stream.category"] === category,
      );

    await expect.poll(() => appendOf("casestep") !== undefined, WAIT).toBe(true);
    const intakeAppend = appendOf("application") as ReadableSpan;
    const send = inTrace().find((s) => s.name === "send gov.intake.application.v1") as ReadableSpan;
    const processed = inTrace().find(
      (s) =>
        s.name === "process gov.intake.application.v1" &&
        s.attributes["messaging.consumer.group.name"] === "exchange-case-steps",
    ) as ReadableSpan;
    const exchangeAppend = appendOf("casestep") as ReadableSpan;
    expect(intakeAppend, "intake's append").toBeDefined();
    expect(send, "the relay's send").toBeDefined();
    expect(processed, "exchange's processing").toBeDefined();

    // The chain, parent by parent: request → append → send (relay, later) → process (exchange) → append.
    const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
    const isUnder = (child: ReadableSpan, ancestor: ReadableSpan): boolean => {
      const byId = new Map(inTrace().map((s) => [s.spanContext().spanId, s]));
      for (
        let at = parentOf(child);
        at !== undefined;
        at = byId.get(at) && parentOf(byId.get(at) as ReadableSpan)
      ) {
        if (at === ancestor.spanContext().spanId) return true;
      }
      return false;
    };
    expect(isUnder(intakeAppend, request)).toBe(true);
    expect(parentOf(send)).toBe(intakeAppend.spanContext().spanId);
    expect(parentOf(processed)).toBe(send.spanContext().spanId);
    expect(isUnder(exchangeAppend, processed)).toBe(true);
    expect(send.attributes["messaging.system"]).toBe("kafka");
    expect(processed.attributes["messaging.kafka.offset"]).toEqual(expect.any(Number));

    // The stored events carry their append's trace context (outside their hash): intake's application event
    // and exchange's report both name this trace.
    const pg = (await import("pg")).default;
    const client = new pg.Client({
      connectionString: testConnectionString() ?? "postgres://postgres@127.0.0.1:5432/postgres",
    });
    await client.connect();
    try {
      const rows = await client.query<{ stream_id: string; traceparent: string | null }>(
        `SELECT stream_id, envelope->>'traceparent' AS traceparent FROM "${schema}".events WHERE stream_id = ANY($1)`,
        [[`application-${applicationId}`, `casestep-${applicationId}`]],
      );
      const byStream = new Map(rows.rows.map((r) => [r.stream_id, r.traceparent]));
      expect(byStream.get(`application-${applicationId}`)).toBe(
        `00-${traceId}-${intakeAppend.spanContext().spanId}-01`,
      );
      expect(byStream.get(`casestep-${applicationId}`)).toBe(
        `00-${traceId}-${exchangeAppend.spanContext().spanId}-01`,
      );
    } finally {
      await client.end();
    }
  });
});
