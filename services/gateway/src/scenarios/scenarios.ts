import { randomInt } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { verifyBundle } from "@gov/audit";
import type { MatterElements } from "@gov/contracts";
import { creditCodeCheckCharacter } from "@gov/identifiers";
import { hygieneElements } from "@gov/intake/test-support";
import { mintToken, type Role } from "@gov/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalScenarios } from "./approval-scenarios.ts";
import { type Platform, SERVICES, START_HOOK_TIMEOUT_MS } from "./platform.ts";
import { reviewScenarios } from "./review-scenarios.ts";

const WAIT = { timeout: 30_000, interval: 200 };
/** A Tuesday; the scenarios move every service's clock from here (CLOCK=adjustable). */
const T0 = "2026-12-01T10:00:00+08:00";
const plusDays = (days: number) => new Date(Date.parse(T0) + days * 86_400_000).toISOString();

const code = (first17: string) => `${first17}${creditCodeCheckCharacter(first17)}`;
const file = (materialId: string) => ({
  materialId,
  provision: "provided",
  file: { uri: `file:///scenarios/${materialId}.pdf`, sha256: "9".repeat(64) },
});
const licence = { materialId: "LIC", provision: "certificate", certificateId: "ZZ-SCENARIO" };

/** One request through `agent` (a keep-alive pool of one connection); fails after 15 s without an answer. */
function overAgent(
  agent: Agent,
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{
  status: number;
  contentType: string;
  connection: string;
  reusedSocket: boolean;
  json: unknown;
}> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method,
        agent,
        headers: body
          ? { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) }
          : headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers["content-type"] ?? "",
            connection: res.headers.connection ?? "",
            reusedSocket: req.reusedSocket,
            json: text ? JSON.parse(text) : undefined,
          });
        });
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${url}: no answer within 15 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * The platform's end-to-end scenarios (docs/distributed.md), written once against HTTP on the gateway URL and
 * run against every topology: publish a matter and a bundle, list a subject in credit, and submit applications
 * — complete; incomplete → 补正 → accepted; 容缺 → supplied; 容缺 → expired; 告知承诺 refused for a black-listed
 * subject; a bundle fanned out. A read or a command after one's own command sends the command's `log-position`
 * as `min-log-position` and sees its effect at once; what crosses services (intake's copy of the catalog and of
 * credit statuses) is waited for by polling with a deadline, never by sleeping.
 */
export function describeScenarios(topology: string, start: () => Promise<Platform>) {
  describe(`scenarios: ${topology}`, { timeout: 120_000 }, () => {
    let platform: Platform;
    const tag = String(randomInt(1000, 9999));
    const matterId = `hygiene-${tag}`;
    const secondId = `hygiene-b-${tag}`;
    const bundleId = `open-shop-${tag}`;
    const goodCompany = code(`91330106${tag}MA2H1`);
    const badCompany = code(`91330106${tag}MA2H2`);
    const dept = hygieneElements.implementingDepartment;

    const headers = async (role: Role, extra: Record<string, string> = {}) => ({
      authorization: `Bearer ${await mintToken({ sub: `${role}-scenarios`, role, ...extra })}`,
    });
    /** Per service, the log position of the last command this suite sent: its requests wait until it has read that far. */
    const lastWrite = new Map<string, string>();
    const call = async (
      method: string,
      path: string,
      role: Role,
      body?: object,
      extra?: Record<string, string>,
    ) => {
      const service = path.split("/")[1] ?? "";
      // Every request to a service after a write of its own, commands too (a command looks its resource up in
      // a read model first): the client sees its own writes in both topologies.
      const seen = lastWrite.get(service);
      const res = await fetch(`${platform.url}${path}`, {
        method,
        headers: {
          ...(await headers(role, extra)),
          ...(body ? { "content-type": "application/json" } : {}),
          ...(seen ? { "min-log-position": seen } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      // biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field by the assertions
      const json: any = text ? JSON.parse(text) : undefined;
      const position = res.headers.get("log-position");
      if (position && method !== "GET") lastWrite.set(service, position);
      return { status: res.status, json };
    };
    const clerk = { region: hygieneElements.region };
    const setClock = async (now: string) => {
      for (const s of SERVICES)
        expect((await call("PUT", `/${s}/_clock`, "admin", { now })).status).toBe(200);
    };
    const application = async (id: string) =>
      (await call("GET", `/intake/applications/${id}`, "window-clerk", undefined, clerk)).json;
    const statusOf = async (id: string) => (await application(id))?.status;
    /** Submits; the read right after it sees the application (read your own writes). */
    const submit = async (body: object) => {
      const r = await call("POST", "/intake/applications", "window-clerk", body, clerk);
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      const id = r.json.id as string;
      expect(await statusOf(id)).toBe("submitted");
      return id;
    };
    const check = (id: string, body: object = {}) =>
      call("POST", `/intake/applications/${id}/check`, "window-clerk", body, clerk);
    /** 容缺受理 needs the applicant's signed promise (承诺书): which materials, by when, signed. */
    const promiseM04 = (supplyBy: string) => ({
      deferralPromise: {
        materialIds: ["M04"],
        supplyBy,
        signature: {
          file: { uri: "file:///scenarios/promise.pdf", sha256: "c".repeat(64) },
          signedAt: T0,
          signedBy: `O${goodCompany}`,
        },
      },
    });
    const forMatter = (materials: object[], applicant = goodCompany, extra: object = {}) => ({
      matterId,
      applicant: { kind: "organisation", creditCode: applicant },
      channel: "window",
      materials,
      ...extra,
    });
    const complete = [file("M01"), licence, file("M03"), file("M04")];

    beforeAll(async () => {
      platform = await start();
      await setClock(T0);
    }, START_HOOK_TIMEOUT_MS);
    afterAll(async () => {
      await platform?.stop();
    }, 60_000);

    it("publishes two matters and a bundle of them in the catalog", async () => {
      const second: MatterElements = {
        ...hygieneElements,
        name: "公共场所卫生许可（延续）",
        basicCode: "000123007001",
        implementationCode: `${dept.creditCode}3000123007001`,
      };
      for (const [id, elements] of [
        [matterId, hygieneElements],
        [secondId, second],
      ] as const) {
        expect((await call("POST", "/matters/", "admin", { matterId: id, elements })).status).toBe(201);
        expect(
          (await call("POST", `/matters/${id}/claim`, "officer", undefined, { department: dept.creditCode }))
            .status,
        ).toBe(200);
        expect((await call("POST", `/matters/${id}/publish`, "admin", {})).status).toBe(200);
      }
      await expect
        .poll(async () => {
          const r = await call("POST", "/matters/bundles", "admin", {
            bundleId,
            name: "开办公共场所一件事",
            leadDepartment: { creditCode: dept.creditCode, name: dept.name },
            matterIds: [matterId, secondId],
          });
          return r.status;
        }, WAIT)
        .toBe(201);
    });

    it("lists a company on the black list (told first; in force after its objection window)", async () => {
      for (const creditCode of [goodCompany, badCompany]) {
        const r = await call("POST", "/credit/subjects", "credit-admin", {
          kind: "organisation",
          creditCode,
          name: `示例${creditCode.slice(-4)}`,
        });
        expect([200, 201]).toContain(r.status);
      }
      const listed = await call("POST", `/credit/subjects/O${badCompany}/listings`, "credit-admin", {
        listingId: `black-${tag}`,
        list: "black",
        severity: "serious",
        issuingDepartment: { creditCode: dept.creditCode, name: dept.name },
        legalBasis: "《公共场所卫生管理条例》第十四条",
        reason: "卫生许可证被吊销",
      });
      expect(listed.status).toBe(201);
      await expect
        .poll(
          async () =>
            (await call("GET", `/credit/subjects/O${badCompany}`, "credit-admin")).json?.listings?.[0]?.stage,
          WAIT,
        )
        .toBe("notified");
    });

    it("a window clerk's look-up of a company is answered and recorded (who, whom, why)", async () => {
      const looked = await call(
        "POST",
        "/credit/lookup",
        "window-clerk",
        { creditCode: badCompany, purpose: "受理审查" },
        clerk,
      );
      expect(looked.status, JSON.stringify(looked.json)).toBe(200);
      await expect
        .poll(
          async () => (await call("GET", `/credit/subjects/O${badCompany}/lookups`, "auditor")).json?.length,
          WAIT,
        )
        .toBe(1);
    });

    // Applications need intake's copy of the catalog: wait until the matter reaches it (over Kafka, or the embedded bus).
    const whenMatterKnown = async () =>
      expect
        .poll(
          async () =>
            (await call("POST", "/intake/applications", "window-clerk", forMatter(complete), clerk)).status,
          WAIT,
        )
        .toBe(201);

    const ids: Record<string, string> = {};
    it("complete: accepted with a case number", async () => {
      await whenMatterKnown();
      ids.complete = await submit(forMatter(complete));
      const r = await check(ids.complete);
      expect(r.json.caseNumber).toMatch(new RegExp(`^${hygieneElements.implementationCode}20261201\\d{4}$`));
      expect(await statusOf(ids.complete)).toBe("accepted");
    });

    it("incomplete → one correction notice → supplemented → accepted", async () => {
      ids.incomplete = await submit(forMatter([file("M01"), file("M04")]));
      expect((await check(ids.incomplete)).json.events).toEqual([{ type: "CorrectionRequested" }]);
      expect(await statusOf(ids.incomplete)).toBe("correction-requested");
      const notice = (await application(ids.incomplete)).notices[0].items.map(
        (i: { materialId: string }) => i.materialId,
      );
      // 营业执照 is issued by a government department: obtained by the department, never in a notice (国发〔2022〕5号).
      expect(notice).toEqual(["M03"]);
      const supplement = await call(
        "POST",
        `/intake/applications/${ids.incomplete}/supplement`,
        "window-clerk",
        { materials: [licence, file("M03")] },
        clerk,
      );
      expect(supplement.status).toBe(200);
      expect(await statusOf(ids.incomplete)).toBe("supplemented");
      expect((await check(ids.incomplete)).json.events).toEqual([{ type: "ApplicationAccepted" }]);
      expect(await statusOf(ids.incomplete)).toBe("accepted");
    });

    it("容缺 → accepted → the deferred material supplied in time", async () => {
      ids.supplied = await submit(forMatter([file("M01"), licence, file("M03")]));
      expect((await check(ids.supplied, promiseM04("2026-12-08"))).status).toBe(200);
      expect((await application(ids.supplied))?.accepted?.mode).toBe("deferred-materials");
      const r = await call(
        "POST",
        `/intake/applications/${ids.supplied}/deferred-materials`,
        "window-clerk",
        { materials: [file("M04")] },
        clerk,
      );
      expect(r.status).toBe(200);
      expect((await application(ids.supplied))?.outstanding).toEqual([]);
      ids.expiring = await submit(forMatter([file("M01"), licence, file("M03")]));
      expect((await check(ids.expiring, promiseM04("2026-12-08"))).status).toBe(200);
      expect((await application(ids.expiring))?.accepted?.deferred?.supplyBy).toBe("2026-12-08");
    });

    it("a body over BODY_LIMIT is a 413 problem+json, and the next request on that connection is answered", async () => {
      // One connection at a time, kept alive: the follow-up waits for the connection the large request used.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const auth = await headers("window-clerk", clerk);
        const url = (path: string) => `${platform.url}${path}`;
        const padding = "x".repeat(2.5 * 1024 * 1024); // the default BODY_LIMIT is 1 MiB
        const big = await overAgent(
          agent,
          url("/intake/applications"),
          "POST",
          auth,
          JSON.stringify({ ...forMatter(complete), padding }),
        );
        expect(big.status).toBe(413);
        expect(big.contentType).toContain("application/problem+json");
        expect(big.json).toMatchObject({ status: 413 });
        const after = await overAgent(agent, url(`/intake/applications/${ids.complete}`), "GET", auth);
        expect(after.status).toBe(200);
        expect(after.json).toMatchObject({ status: "accepted" });

        // A refusal after the body was read in full keeps the connection: the next request goes over it.
        const invalid = await overAgent(
          agent,
          url("/intake/applications"),
          "POST",
          auth,
          JSON.stringify({ matterId: 1, padding: padding.slice(0, 600_000) }),
        );
        expect(invalid.status).toBe(400);
        expect(invalid.contentType).toContain("application/problem+json");
        expect(invalid.connection).not.toBe("close");
        const reused = await overAgent(agent, url(`/intake/applications/${ids.complete}`), "GET", auth);
        expect(reused.status).toBe(200);
        expect(reused.reusedSocket).toBe(true);
      } finally {
        agent.destroy();
      }
    });

    it("一件事: one set of materials fanned out per matter, accepted when every case is", async () => {
      const bundle = (await call("GET", `/matters/bundles/${bundleId}`, "window-clerk")).json as unknown as {
        data: { materials: { key: string }[] };
      };
      await expect
        .poll(async () => {
          const r = await call(
            "POST",
            "/intake/bundle-applications",
            "window-clerk",
            {
              bundleId,
              applicant: { kind: "organisation", creditCode: goodCompany },
              channel: "window",
              materials: bundle.data.materials.map((m) =>
                m.key === "business-licence" ? { ...licence, materialId: m.key } : file(m.key),
              ),
            },
            clerk,
          );
          if (r.status === 201) ids.bundle = r.json.id as string;
          return r.status;
        }, WAIT)
        .toBe(201);
      const cases = async () =>
        (await call("GET", `/intake/bundle-applications/${ids.bundle}`, "window-clerk", undefined, clerk))
          .json;
      expect((await cases())?.cases?.length).toBe(2);
      for (const c of (await cases()).cases as { applicationId: string }[]) {
        expect((await check(c.applicationId)).json.events).toEqual([{ type: "ApplicationAccepted" }]);
      }
      expect((await cases())?.status).toBe("accepted");
    });

    it("20 days later: the 容缺 deadline has passed (terminated) and the black-list entry is in force", async () => {
      await setClock(plusDays(20));
      expect((await call("POST", "/credit/scheduler/run", "system", {})).json).toMatchObject({
        tookEffect: 1,
      });
      expect((await call("POST", "/intake/scheduler/run", "system", {})).json).toMatchObject({
        terminated: 1,
      });
      // The scheduler's run answers with counts, not a position: wait for its effect with a deadline.
      await expect.poll(() => statusOf(ids.expiring as string), WAIT).toBe("terminated");
      expect(await statusOf(ids.supplied as string)).toBe("accepted");
      await expect
        .poll(
          async () => (await call("GET", `/credit/subjects/O${badCompany}`, "window-clerk")).json?.status,
          WAIT,
        )
        .toBe("strict-review");
    });

    it("告知承诺 refused for the black-listed company, which is flagged for strict review", async () => {
      const promising = [file("M01"), licence, { materialId: "M03", provision: "promised" }, file("M04")];
      let id = "";
      // Intake knows the status once CreditStatusChanged reached it: a submission after that carries it.
      await expect
        .poll(async () => {
          id = await submit(forMatter(promising, badCompany, { informedCommitmentRequested: true }));
          return (await application(id))?.flags;
        }, WAIT)
        .toEqual(["strict-review"]);
      expect((await check(id)).json.events).toEqual([{ type: "CorrectionRequested" }]);
      await expect
        .poll(async () => (await application(id))?.notices?.[0]?.items?.[0]?.problem, WAIT)
        .toBe("promise-not-allowed");
    });

    approvalScenarios(() => ({
      call,
      submit,
      check,
      forMatter,
      complete,
      ids,
      elements: hygieneElements,
      tag,
      goodCompany,
    }));

    reviewScenarios(() => ({
      call,
      ids,
      elements: hygieneElements,
      clerk,
      goodCompany,
      setClock,
      start: T0,
      submit,
      check,
      forMatter,
      complete,
      tag,
      promiseCompany: code(`91330106${tag}MA2H3`),
    }));

    it("audit: the accepted application's timeline is in causal order and its export verifies offline", async () => {
      const id = ids.complete as string;
      const timeline = async () =>
        (await call("GET", `/audit/cases/${id}/timeline?reason=scenario`, "auditor")).json;
      await expect
        .poll(
          async () =>
            (await timeline())?.events?.some((e: { type: string }) => e.type.endsWith(".accepted.v1")),
          WAIT,
        )
        .toBe(true);
      const t = await timeline();
      const order = new Map<string, number>(
        t.events.map((e: { id: string; logIndex: number }) => [e.id, e.logIndex]),
      );
      const indexes = [...order.values()];
      expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
      // Every cause inside the case comes before what it caused.
      for (const edge of t.graph.edges as { from: string; to: string }[]) {
        if (order.has(edge.from))
          expect(order.get(edge.from) as number).toBeLessThan(order.get(edge.to) as number);
      }
      expect(t.events[0]).toMatchObject({ service: "intake", actor: { role: "window-clerk" } });
      const bundle = (await call("GET", `/audit/cases/${id}/export?reason=scenario`, "auditor")).json;
      expect(verifyBundle(bundle, bundle.publicKey)).toMatchObject({ ok: true, failures: [] });
      const verified = (await call("POST", "/audit/verify", "auditor")).json;
      expect(verified.firstFailure).toBeUndefined();
    });

    // Last: it leaves the store tampered with.
    it("audit: an event changed straight in the database is detected and named", async () => {
      const id = ids.incomplete as string;
      const t = (await call("GET", `/audit/cases/${id}/timeline?reason=scenario`, "auditor")).json;
      const victim = t.events.find((e: { stream: string }) => e.stream === `application-${id}`);
      await platform.tamper(victim.id);
      const verified = (await call("POST", "/audit/verify", "auditor")).json;
      expect(verified.ok).toBe(false);
      expect(verified.firstFailure).toMatchObject({ eventId: victim.id, reason: "hash-mismatch" });
    });
  });
}
