// The findings of an attacker's probe of the service kit, each pinned by a test named after it.
import { execFileSync } from "node:child_process";
import { connect, type Socket } from "node:net";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { decodeJwt, SignJWT } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type App, buildApp } from "./app.ts";
import { createVerifier, DEVELOPMENT_SECRET, mintToken } from "./auth.ts";
import { publicRoute } from "./commands.ts";
import { loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import type { ServiceModule } from "./module.ts";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
  lines(): Record<string, unknown>[] {
    return this.text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

/**
 * What an append does with text: canonical JSON (RFC 8785) refuses a lone surrogate, as `encodeURIComponent`
 * does here (a URIError).
 */
const asStored = (value: unknown) =>
  JSON.stringify(value, (_key, v) => (typeof v === "string" ? encodeURIComponent(v) : v));

const note = z.object({
  reason: z.string().min(1).max(500),
  days: z.number().int().min(0).max(365).optional(),
  items: z
    .array(z.object({ note: z.string().max(200) }))
    .max(20)
    .optional(),
});

const probeModule: ServiceModule = {
  name: "probe",
  prefix: "/probe",
  routes: async (app) => {
    app.post(
      "/notes",
      { config: { auth: { roles: ["officer"] } }, schema: { body: note } },
      async (request) => ({
        stored: asStored(request.body).length,
      }),
    );
    app.post("/open-notes", { config: publicRoute(), schema: { body: note } }, async (request) => ({
      stored: asStored(request.body).length,
    }));
    app.get(
      "/search",
      { config: publicRoute(), schema: { querystring: z.object({ text: z.string().max(100).optional() }) } },
      async (request) => ({ stored: asStored(request.query).length }),
    );
    app.get(
      "/items/:id",
      { config: publicRoute(), schema: { params: z.object({ id: z.string() }) } },
      async (request) => ({ id: (request.params as { id: string }).id }),
    );
    app.post("/keyed", { config: publicRoute() }, async () => ({ ok: true }));
    app.get("/me", { config: { auth: { roles: ["officer"] } } }, async (request) => ({
      sub: request.context.actor?.id,
    }));
    app.get("/tampered", { config: publicRoute() }, async () => {
      const e = new Error("integrity check failed: stream thing-1 revision 0: stored content does not match");
      e.name = "IntegrityError";
      throw e;
    });
  },
};

let app: App | undefined;
let logs: Capture;
const sockets: Socket[] = [];
async function start(env: Record<string, string> = {}) {
  logs = new Capture();
  app = await buildApp({
    modules: [probeModule],
    config: loadConfig({ NODE_ENV: "test", ...env }),
    logger: createLogger({ level: "info", pretty: false, stream: logs }),
  });
  return app;
}
async function listening(env: Record<string, string> = {}) {
  const a = await start(env);
  await a.listen({ port: 0, host: "127.0.0.1" });
  return (a.server.address() as { port: number }).port;
}
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await app?.close();
  app = undefined;
});

/** Sends raw bytes and collects the answer until the server closes the connection. */
function raw(port: number, bytes: string): { text: () => string; closed: () => boolean } {
  const socket = connect(port, "127.0.0.1");
  sockets.push(socket);
  let text = "";
  let closed = false;
  socket.on("data", (d) => {
    text += d.toString();
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    closed = true;
  });
  socket.write(bytes);
  return { text: () => text, closed: () => closed };
}

const officer = () => mintToken({ sub: "officer-1", role: "officer" });
const signed = (claims: Record<string, unknown>, edit?: (jwt: SignJWT) => SignJWT) => {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer("gov-platform")
    .setAudience("gov-platform");
  return (edit ? edit(jwt) : jwt).sign(new TextEncoder().encode(DEVELOPMENT_SECRET));
};
const now = () => Math.floor(Date.now() / 1000);

describe("finding 2 (tokens): exp required, lifetime bounded, iat not in the future, a subject, any-case Bearer", () => {
  const get = async (token: string, scheme = "Bearer") =>
    app?.inject({ method: "GET", url: "/probe/me", headers: { authorization: `${scheme} ${token}` } });

  it("refuses a token without exp", async () => {
    await start();
    const res = await get(await signed({ sub: "o", role: "officer" }, (j) => j.setIssuedAt()));
    expect(res?.statusCode).toBe(401);
    expect(res?.headers["content-type"]).toContain("application/problem+json");
    expect(res?.json().detail).toMatch(/exp/);
  });

  it("refuses a token living longer than AUTH_MAX_TOKEN_TTL (default 12 h), and honours a configured one", async () => {
    await start();
    const day = await signed({ sub: "o", role: "officer" }, (j) => j.setIssuedAt().setExpirationTime("24h"));
    expect((await get(day))?.statusCode).toBe(401);
    // Without iat, the lifetime counts from now.
    const noIat = await signed({ sub: "o", role: "officer" }, (j) => j.setExpirationTime("13h"));
    expect((await get(noIat))?.statusCode).toBe(401);
    expect((await get(await officer()))?.statusCode).toBe(200);
    await app?.close();
    await start({ AUTH_MAX_TOKEN_TTL: "1h" });
    expect((await get(await officer()))?.statusCode).toBe(401); // 8 h > 1 h
    expect((await get(await mintToken({ sub: "o", role: "officer", ttl: "30m" })))?.statusCode).toBe(200);
  });

  it("refuses an iat one day in the future, tolerates AUTH_CLOCK_SKEW_S (default 60 s) for iat and nbf", async () => {
    await start();
    const future = await signed({ sub: "o", role: "officer", iat: now() + 86_400 }, (j) =>
      j.setExpirationTime(now() + 86_400 + 3600),
    );
    expect((await get(future))?.statusCode).toBe(401);
    const slightlyAhead = await signed({ sub: "o", role: "officer", iat: now() + 30, nbf: now() + 30 }, (j) =>
      j.setExpirationTime(now() + 3600),
    );
    expect((await get(slightlyAhead))?.statusCode).toBe(200);
    const notYet = await signed({ sub: "o", role: "officer", nbf: now() + 600 }, (j) =>
      j.setIssuedAt().setExpirationTime("1h"),
    );
    expect((await get(notYet))?.statusCode).toBe(401);
  });

  it("refuses an empty or blank sub", async () => {
    await start();
    for (const sub of ["", "   "]) {
      const token = await signed({ role: "officer" }, (j) =>
        j.setSubject(sub).setIssuedAt().setExpirationTime("1h"),
      );
      expect((await get(token))?.statusCode, JSON.stringify(sub)).toBe(401);
    }
  });

  it("accepts the Bearer scheme in any case (RFC 7235 §2.1)", async () => {
    await start();
    for (const scheme of ["bearer", "BEARER", "Bearer", "bEaReR"]) {
      const res = await get(await officer(), scheme);
      expect(res?.statusCode, scheme).toBe(200);
      expect(res?.json()).toEqual({ sub: "officer-1" });
    }
    expect((await get(await officer(), "Basic"))?.statusCode).toBe(401);
  });

  it("./scripts/token still mints a valid token, with iat and exp, and refuses a lifetime above the maximum", () => {
    const cli = fileURLToPath(new URL("./cli/mint-token.ts", import.meta.url));
    const token = execFileSync(process.execPath, [cli, "--role", "officer", "--sub", "officer-9"], {
      encoding: "utf8",
      env: { ...process.env, AUTH_JWT_SECRET: "", AUTH_MAX_TOKEN_TTL: "" },
    }).trim();
    const claims = decodeJwt(token);
    expect(claims.sub).toBe("officer-9");
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(8 * 3600);
    const verifier = createVerifier(loadConfig({ NODE_ENV: "test" }));
    return expect(verifier.verify(token))
      .resolves.toEqual({ id: "officer-9", role: "officer" })
      .then(() => {
        expect(() =>
          execFileSync(process.execPath, [cli, "--role", "officer", "--sub", "x", "--ttl", "24h"], {
            stdio: "pipe",
          }),
        ).toThrow(/at most 43200 s/);
      });
  });
});

describe("finding 2 (errors before routing): problem+json for a bad URL, an over-long URL or parameter, over-large headers", () => {
  it("answers FST_ERR_BAD_URL (/%ZZ) with a 400 problem", async () => {
    await start();
    const res = await app?.inject({ method: "GET", url: "/probe/items/%ZZ" });
    expect(res?.statusCode).toBe(400);
    expect(res?.headers["content-type"]).toContain("application/problem+json");
    expect(res?.json()).toMatchObject({ status: 400, title: "Bad Request" });
    const root = await app?.inject({ method: "GET", url: "/%ZZ" });
    expect(root?.headers["content-type"]).toContain("application/problem+json");
  });

  it("answers a path parameter above maxParamLength, and a URL above MAX_URL_LENGTH, with a 414 problem", async () => {
    await start({ MAX_PARAM_LENGTH: "64", MAX_URL_LENGTH: "512" });
    expect((await app?.inject({ method: "GET", url: `/probe/items/${"a".repeat(64)}` }))?.statusCode).toBe(
      200,
    );
    const param = await app?.inject({ method: "GET", url: `/probe/items/${"a".repeat(65)}` });
    expect(param?.statusCode).toBe(414);
    expect(param?.headers["content-type"]).toContain("application/problem+json");
    const url = await app?.inject({ method: "GET", url: `/probe/search?text=${"b".repeat(600)}` });
    expect(url?.statusCode).toBe(414);
    expect(url?.json()).toMatchObject({ status: 414, title: "URI Too Long" });
  });

  it("answers over-large headers with a 431 problem (Node answers before fastify: the clientError handler)", async () => {
    const port = await listening();
    const answer = raw(port, `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    await expect.poll(() => answer.closed(), { timeout: 5000 }).toBe(true);
    expect(answer.text()).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer.text()).toContain(
      "content-type: application/problem+json".replace("content-type", "Content-Type"),
    );
    expect(JSON.parse(answer.text().split("\r\n\r\n")[1] ?? "")).toMatchObject({ status: 431 });
  });
});

describe("finding 3 (odd text): strings must be well-formed Unicode, never a 500", () => {
  it("answers a lone surrogate in a free-text field with a 400 naming the field", async () => {
    await start();
    const res = await app?.inject({
      method: "POST",
      url: "/probe/notes",
      headers: { authorization: `Bearer ${await officer()}`, "content-type": "application/json" },
      payload: '{"reason":"a\\ud800b","items":[{"note":"ok"},{"note":"\\udc00"}]}',
    });
    expect(res?.statusCode).toBe(400);
    expect(res?.headers["content-type"]).toContain("application/problem+json");
    expect(res?.json().errors.map((e: { field: string }) => e.field)).toEqual([
      "body.reason",
      "body.items.1.note",
    ]);
    // Well-formed text (a surrogate pair, 𠀀) passes.
    const ok = await app?.inject({
      method: "POST",
      url: "/probe/notes",
      headers: { authorization: `Bearer ${await officer()}`, "content-type": "application/json" },
      payload: '{"reason":"\\ud840\\udc00 申请"}',
    });
    expect(ok?.statusCode).toBe(200);
  });

  it("names an ill-formed field name too", async () => {
    await start();
    const res = await app?.inject({
      method: "POST",
      url: "/probe/open-notes",
      headers: { "content-type": "application/json" },
      payload: '{"reason":"x","\\ud800":1}',
    });
    expect(res?.statusCode).toBe(400);
    expect(res?.json().errors[0].field).toBe("body.\ufffd");
  });

  it("property: arbitrary JSON bodies to a route with a zod schema never produce a 500 (2 000 runs)", async () => {
    await start();
    // Any UTF-16 code unit, lone surrogates often (fast-check's "binary" unit never makes one); bodies mostly of
    // the route's shape (so that they get past the schema to the handler), some arbitrary JSON, some of the
    // right keys with wrong values.
    const unit = fc.oneof(
      { arbitrary: fc.nat({ max: 0xffff }).map((n) => String.fromCharCode(n)), weight: 4 },
      { arbitrary: fc.constantFrom("\ud800", "\udbff", "\udc00", "\udfff"), weight: 1 },
    );
    const text = fc.string({ unit, minLength: 1, maxLength: 40 });
    const shaped = fc.record(
      {
        reason: text,
        days: fc.integer({ min: 0, max: 365 }),
        items: fc.array(fc.record({ note: text }), { maxLength: 5 }),
      },
      { requiredKeys: ["reason"] },
    );
    const wild = fc.record(
      {
        reason: fc.oneof(text, fc.integer(), fc.constant(null)),
        days: fc.oneof(fc.integer(), fc.double(), text),
        items: fc.array(fc.record({ note: fc.oneof(text, fc.jsonValue()) }), { maxLength: 25 }),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      { arbitrary: shaped, weight: 3 },
      { arbitrary: wild, weight: 1 },
      { arbitrary: fc.jsonValue({ stringUnit: unit, maxDepth: 4 }), weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const res = await app?.inject({
          method: "POST",
          url: "/probe/open-notes",
          headers: { "content-type": "application/json" },
          payload: JSON.stringify(value) ?? "null",
        });
        expect(res?.statusCode).toBeLessThan(500);
        if ((res?.statusCode ?? 0) >= 400) {
          expect(res?.headers["content-type"]).toContain("application/problem+json");
        }
      }),
      { numRuns: 2000 },
    );
    expect(logs.text).not.toContain("unexpected error");
  }, 60_000);
});

describe("finding 4 (personal data in logs and ids): safe request ids, masked access logs that are not empty", () => {
  const idNumber = "11010519491231002X";

  it("refuses an x-request-id or x-correlation-id that could be an ID number or a mobile number, and generates one", async () => {
    await start();
    for (const id of [
      idNumber,
      "110105194912310021",
      "13800138000",
      "id-13800138000",
      "110105.19491231.002X",
      "x".repeat(65),
      "a b",
    ]) {
      const res = await app?.inject({
        method: "GET",
        url: "/health/live",
        headers: { "x-request-id": id, "x-correlation-id": id },
      });
      expect(res?.headers["x-request-id"], id).not.toBe(id);
      expect(res?.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(res?.headers["x-correlation-id"]).toBe(res?.headers["x-request-id"]);
    }
    for (const id of ["req-42", "0f8fad5b-d9cb-469f-a165-70867728950e", "trace.abc_DEF-123"]) {
      const res = await app?.inject({ method: "GET", url: "/health/live", headers: { "x-request-id": id } });
      expect(res?.headers["x-request-id"]).toBe(id);
    }
    expect(logs.text).not.toContain("19491231");
    expect(logs.text).not.toContain("38001380");
  });

  it("writes one access line per request in production: method, route, status, duration and request id, masked", async () => {
    await start({ NODE_ENV: "production", AUTH_JWT_SECRET: "k3Yp9-vQz2LxW7m_Rb4Nc8Ts1Ud6Fh0J" });
    await app?.inject({
      method: "GET",
      url: `/probe/items/${idNumber}?phone=13800138000`,
      headers: { "x-request-id": "req-7" },
    });
    const line = logs.lines().find((l) => l.msg === "request completed");
    expect(line).toMatchObject({
      reqId: "req-7",
      req: { method: "GET", route: "/probe/items/:id", path: "/probe/items/110***********2X" },
      res: { statusCode: 200 },
    });
    expect(typeof line?.responseTime).toBe("number");
    expect(logs.text).not.toContain('"req":{}');
    expect(logs.text).not.toContain("19491231");
    expect(logs.text).not.toContain("13800138000");
  });
});

describe("finding 5 (limits): Idempotency-Key bounded, timeouts and a connection limit", () => {
  it("answers a malformed or over-long Idempotency-Key with a 400 naming headers.idempotency-key", async () => {
    await start();
    for (const key of ["k".repeat(201), "a key with spaces", "", "键"]) {
      const res = await app?.inject({
        method: "POST",
        url: "/probe/keyed",
        headers: { "idempotency-key": key },
      });
      expect(res?.statusCode, key).toBe(400);
      expect(res?.json().errors).toEqual([expect.objectContaining({ field: "headers.idempotency-key" })]);
    }
    for (const key of ["k".repeat(200), "0f8fad5b-d9cb-469f-a165-70867728950e", "order:42/retry=1"]) {
      const res = await app?.inject({
        method: "POST",
        url: "/probe/keyed",
        headers: { "idempotency-key": key },
      });
      expect(res?.statusCode, key).toBe(200);
    }
  });

  it("closes a connection that sends its headers too slowly (HEADERS_TIMEOUT_MS) with a 408 problem", async () => {
    const port = await listening({
      HEADERS_TIMEOUT_MS: "200",
      REQUEST_TIMEOUT_MS: "400",
      KEEP_ALIVE_TIMEOUT_MS: "100",
    });
    const slow = raw(port, "GET /health/live HTTP/1.1\r\nHost: x\r\n"); // and never the blank line
    await expect.poll(() => slow.closed(), { timeout: 5000, interval: 50 }).toBe(true);
    expect(slow.text()).toMatch(/^HTTP\/1\.1 408 /);
    expect(slow.text()).toContain("application/problem+json");
  });

  it("accepts at most MAX_CONNECTIONS connections at once", async () => {
    const port = await listening({ MAX_CONNECTIONS: "1" });
    expect(app?.server.maxConnections).toBe(1);
    const first = raw(port, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
    await expect.poll(() => first.text(), { timeout: 5000 }).toMatch(/^HTTP\/1\.1 200 /);
    const second = raw(port, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
    await expect.poll(() => second.closed(), { timeout: 5000 }).toBe(true);
    expect(second.text()).toBe("");
    expect(first.closed()).toBe(false);
  });
});

describe("finding 6 (tampering): an integrity failure is its own 500 problem and an alert", () => {
  it("maps the kernel's IntegrityError to a 500 of type integrity-failure, logged as an alert", async () => {
    await start();
    const res = await app?.inject({ method: "GET", url: "/probe/tampered" });
    expect(res?.statusCode).toBe(500);
    expect(res?.headers["content-type"]).toContain("application/problem+json");
    expect(res?.json()).toMatchObject({
      type: "https://gov-platform.example/problems/integrity-failure",
      status: 500,
      title: "Event store integrity failure",
    });
    const alert = logs.lines().find((l) => l.alert === "store-integrity-failure");
    expect(alert).toMatchObject({ level: 60 });
  });
});
