// An OTLP/HTTP receiver for tests (JSON encoding: OTEL_EXPORTER_OTLP_PROTOCOL=http/json) that keeps every span
// the processes under test export, to check what a trace holds across processes.
import { createServer, type Server } from "node:http";
import { freePort } from "./kafka.ts";

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  scope: string;
  service: string;
  attributes: Record<string, unknown>;
}

/** An OTLP/HTTP receiver (JSON encoding) that keeps every span it is sent. */
export async function otlpReceiver(): Promise<{
  url: string;
  spans: ReceivedSpan[];
  requests: number;
  close(): Promise<void>;
}> {
  const state = { spans: [] as ReceivedSpan[], requests: 0 };
  const value = (v: Record<string, unknown>) => Object.values(v)[0];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      state.requests++;
      if (req.url === "/v1/traces") {
        const doc = JSON.parse(body) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: Record<string, unknown> }[] };
            scopeSpans: {
              scope: { name: string };
              spans: (Omit<ReceivedSpan, "attributes" | "scope" | "service"> & {
                attributes?: { key: string; value: Record<string, unknown> }[];
              })[];
            }[];
          }[];
        };
        for (const rs of doc.resourceSpans) {
          const service = String(
            value(rs.resource.attributes.find((a) => a.key === "service.name")?.value ?? {}),
          );
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans)
              state.spans.push({
                ...s,
                scope: ss.scope.name,
                service,
                attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, value(a.value)])),
              });
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${port}`,
    get spans() {
      return state.spans;
    },
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
