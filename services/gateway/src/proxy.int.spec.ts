import { connect, type Socket } from "node:net";
import { mattersModule } from "@gov/matters";
import { buildServiceApp, loadRuntimeConfig } from "@gov/runtime";
import { type App, createLogger, loadConfig, mintToken, shutdown } from "@gov/service-kit";
import { tempDir } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProxyGateway, parseUpstreams } from "./proxy.ts";

const MiB = 1024 * 1024;
const portOf = (app: App) => (app.server.address() as { port: number }).port;

/** The matters service on a fresh SQLite file, listening on a free port (its BODY_LIMIT is the default, 1 MiB). */
async function startMatters() {
  const matters = await buildServiceApp(
    { service: "matters", categories: ["matter", "bundle", "calendar"], module: mattersModule },
    loadRuntimeConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      EVENT_STORE: "sqlite",
      EVENT_BUS: "embedded",
      DATA_DIR: tempDir("proxy-"),
    }),
  );
  await matters.listen({ port: 0, host: "127.0.0.1" });
  return matters;
}

async function startGateway(upstream: App, env: Record<string, string> = {}) {
  const gateway = await createProxyGateway(
    loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", ...env }),
    createLogger({ level: "silent", pretty: false }),
    parseUpstreams(`matters=http://127.0.0.1:${portOf(upstream)}`),
  );
  await gateway.listen({ port: 0, host: "127.0.0.1" });
  return gateway;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 connection, driven by hand: `send` writes a request and reads its response off the socket,
 * so a test knows that two requests went over the same connection (a client pool would open another one).
 * Fails after `timeoutMs` when no complete response arrives.
 */
function rawConnection(port: number) {
  const socket: Socket = connect(port, "127.0.0.1");
  let buffered = Buffer.alloc(0);
  let ended = false;
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  socket.on("data", (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake();
  });
  socket.on("end", () => {
    ended = true;
    wake();
  });
  socket.on("error", () => {
    ended = true;
    wake();
  });
  const next = (deadline: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no response in time")), deadline - Date.now());
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  const readResponse = async (timeoutMs: number): Promise<RawResponse> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffered.indexOf("\r\n\r\n");
      if (end >= 0) {
        const [statusLine, ...lines] = buffered.subarray(0, end).toString("latin1").split("\r\n");
        const headers = Object.fromEntries(
          lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
        );
        const body = bodyOf(buffered.subarray(end + 4), headers);
        if (body) {
          buffered = buffered.subarray(end + 4 + body.consumed);
          return { status: Number(statusLine?.split(" ")[1]), headers, body: body.text };
        }
      }
      if (ended) throw new Error("the connection closed before a complete response");
      await next(deadline);
    }
  };
  return {
    socket,
    async send(head: string, body: Buffer | string = "", timeoutMs = 10_000) {
      socket.write(head);
      if (body.length > 0) socket.write(body);
      return readResponse(timeoutMs);
    },
    /** Resolves when the server has closed the connection; rejects after `timeoutMs`. */
    async closedByServer(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!ended) await next(deadline);
    },
    close: () => socket.destroy(),
  };
}

/** The body at the start of `rest` (Content-Length or chunked), or undefined while it is incomplete. */
function bodyOf(rest: Buffer, headers: Record<string, string>) {
  if (headers["transfer-encoding"] === "chunked") {
    let at = 0;
    const parts: Buffer[] = [];
    for (;;) {
      const line = rest.indexOf("\r\n", at);
      if (line < 0) return undefined;
      const size = Number.parseInt(rest.subarray(at, line).toString("latin1"), 16);
      if (rest.length < line + 2 + size + 2) return undefined;
      parts.push(rest.subarray(line + 2, line + 2 + size));
      at = line + 2 + size + 2;
      if (size === 0) return { text: Buffer.concat(parts).toString("utf8"), consumed: at };
    }
  }
  const length = Number(headers["content-length"] ?? 0);
  if (rest.length < length) return undefined;
  return { text: rest.subarray(0, length).toString("utf8"), consumed: length };
}

const post = (path: string, body: Buffer, token: string) =>
  `POST ${path} HTTP/1.1\r\nhost: gateway\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
const get = (path: string) => `GET ${path} HTTP/1.1\r\nhost: gateway\r\n\r\n`;
/** A JSON body of about `bytes` bytes that no schema accepts (matterId is a number): a 400 naming it. */
const invalidBody = (bytes: number) =>
  Buffer.from(JSON.stringify({ matterId: 1, padding: "x".repeat(bytes) }));

describe("distributed gateway (a proxy by path prefix)", () => {
  it("routes /matters/… to the matters process, aggregates readiness and merges OpenAPI", async () => {
    const matters = await buildServiceApp(
      { service: "matters", categories: ["matter", "bundle", "calendar"], module: mattersModule },
      loadRuntimeConfig({
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        EVENT_STORE: "sqlite",
        EVENT_BUS: "embedded",
        DATA_DIR: tempDir("proxy-"),
      }),
    );
    await matters.listen({ port: 0, host: "127.0.0.1" });
    const url = `http://127.0.0.1:${(matters.server.address() as { port: number }).port}`;
    const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" });
    const gateway = await createProxyGateway(
      config,
      createLogger({ level: "silent", pretty: false }),
      parseUpstreams(`matters=${url}`),
    );

    await expect
      .poll(async () => (await gateway.inject({ method: "GET", url: "/health/ready" })).statusCode)
      .toBe(200);
    const kpis = await gateway.inject({ method: "GET", url: "/matters/kpis" });
    expect(kpis.statusCode).toBe(200);
    expect(kpis.json()).toHaveProperty("overall");
    // The service checks the token itself; its problem+json comes through unchanged.
    const write = await gateway.inject({ method: "POST", url: "/matters/", payload: {} });
    expect(write.statusCode).toBe(401);
    expect(write.headers["content-type"]).toContain("application/problem+json");
    const openapi = (await gateway.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(["/matters/", "/matters/{matterId}"]));
    // The services' AsyncAPI documents, merged: the matters process describes its topics.
    const asyncapi = (await gateway.inject({ method: "GET", url: "/asyncapi.json" })).json();
    expect(asyncapi.asyncapi).toBe("3.0.0");
    expect(Object.keys(asyncapi.channels)).toEqual(expect.arrayContaining(["gov.matters.matter.v1"]));

    await shutdown(matters);
    const down = await gateway.inject({ method: "GET", url: "/health/ready" });
    expect(down.statusCode).toBe(503);
    expect(down.json().checks).toEqual([expect.objectContaining({ name: "matters", ok: false })]);
    await shutdown(gateway);
  });

  it("refuses a malformed UPSTREAMS entry by name", () => {
    expect(() => parseUpstreams("matters=not a url")).toThrow(/"matters=not a url"/);
  });
});

describe("distributed gateway: request bodies, upstream 4xx and keep-alive connections", () => {
  let matters: App;
  /** BODY_LIMIT as every service has it (1 MiB). */
  let gateway: App;
  /** BODY_LIMIT 4 MiB, above the service's: the service refuses before it has read the body. */
  let roomy: App;
  let token: string;
  /** The requests that reached the matters process (URL), whatever the gateway did. */
  const reached: string[] = [];
  beforeAll(async () => {
    matters = await startMatters();
    matters.server.on("request", (req: { url?: string }) => reached.push(req.url ?? ""));
    gateway = await startGateway(matters);
    roomy = await startGateway(matters, { BODY_LIMIT: String(4 * MiB) });
    token = await mintToken({ sub: "admin-proxy", role: "admin" });
  });
  afterAll(async () => {
    await shutdown(gateway);
    await shutdown(roomy);
    await shutdown(matters);
  });

  it("answers a body over BODY_LIMIT itself with 413 problem+json, before proxying, and closes that connection", async () => {
    const before = reached.length;
    const c = rawConnection(portOf(gateway));
    try {
      const body = invalidBody(2.5 * MiB);
      const r = await c.send(post("/matters/", body, token), body);
      expect(r.status).toBe(413);
      expect(r.headers["content-type"]).toContain("application/problem+json");
      expect(JSON.parse(r.body)).toMatchObject({ status: 413, title: "Content Too Large" });
      // The rest of the body was never read: the connection cannot carry another request, so it is closed.
      expect(r.headers.connection).toBe("close");
      await c.closedByServer();
    } finally {
      c.close();
    }
    expect(reached.length).toBe(before);
  });

  it("answers an anonymous body over BODY_LIMIT with 401, as the service does (it checks the token first)", async () => {
    const before = reached.length;
    const body = invalidBody(2.5 * MiB);
    for (const auth of [undefined, "not-a-token"]) {
      const r = await gateway.inject({
        method: "POST",
        url: "/matters/",
        payload: body,
        headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      });
      expect(r.statusCode).toBe(401);
      expect(r.headers["content-type"]).toContain("application/problem+json");
    }
    expect(reached.length).toBe(before);
  });

  it("passes a service's 4xx through unchanged (status, content-type, body), as the service answered it", async () => {
    for (const [path, body, auth] of [
      ["/matters/", invalidBody(1000), token], // 400 naming the fields
      ["/matters/", invalidBody(1000), "not-a-token"], // 401
      ["/matters/no-such-matter/publish", Buffer.from("{}"), token], // 404
    ] as const) {
      const direct = rawConnection(portOf(matters));
      const proxied = rawConnection(portOf(gateway));
      try {
        const want = await direct.send(post(path, body, auth), body);
        const got = await proxied.send(post(path, body, auth), body);
        expect(want.status).toBeGreaterThanOrEqual(400);
        expect(want.status).toBeLessThan(500);
        expect({ status: got.status, type: got.headers["content-type"], body: got.body }).toEqual({
          status: want.status,
          type: want.headers["content-type"],
          body: want.body,
        });
      } finally {
        direct.close();
        proxied.close();
      }
    }
  });

  it("passes the service's 413 through when the service refuses a body the gateway accepted (its limit is lower)", async () => {
    const before = reached.length;
    const c = rawConnection(portOf(roomy));
    try {
      const body = invalidBody(2.5 * MiB);
      const r = await c.send(post("/matters/", body, token), body);
      expect(r.status).toBe(413);
      expect(r.headers["content-type"]).toContain("application/problem+json");
      expect(JSON.parse(r.body)).toMatchObject({ status: 413, instance: "/matters/" });
    } finally {
      c.close();
    }
    // It was the service that answered, not the gateway.
    expect(reached.length).toBe(before + 1);
  });

  it("answers the next request on the same keep-alive connection after the service refused a body early", async () => {
    const c = rawConnection(portOf(roomy));
    try {
      const body = invalidBody(2.5 * MiB);
      const refused = await c.send(post("/matters/", body, token), body);
      expect(refused.status).toBe(413);
      // The gateway read the whole body: its connection with the client stays usable, whatever the service did.
      expect(refused.headers.connection).not.toBe("close");
      const next = await c.send(get("/matters/kpis"));
      expect(next.status).toBe(200);
      expect(JSON.parse(next.body)).toHaveProperty("overall");
    } finally {
      c.close();
    }
  });

  it("answers the next request on the same keep-alive connection after a service's 4xx to a large body", async () => {
    const c = rawConnection(portOf(gateway));
    try {
      const body = invalidBody(900 * 1024);
      const refused = await c.send(post("/matters/", body, token), body);
      expect(refused.status).toBe(400);
      expect(refused.headers.connection).not.toBe("close");
      const next = await c.send(get("/matters/kpis"));
      expect(next.status).toBe(200);
      expect(JSON.parse(next.body)).toHaveProperty("overall");
    } finally {
      c.close();
    }
  });

  it("a service that is gone is a 502 problem+json, not a 500", async () => {
    const down = await startMatters();
    const lonely = await startGateway(down);
    await shutdown(down);
    try {
      const r = await lonely.inject({ method: "GET", url: "/matters/kpis" });
      expect(r.statusCode).toBe(502);
      expect(r.headers["content-type"]).toContain("application/problem+json");
      expect(r.json()).toMatchObject({ status: 502, detail: expect.stringContaining("matters") });
    } finally {
      await shutdown(lonely);
    }
  });
});
