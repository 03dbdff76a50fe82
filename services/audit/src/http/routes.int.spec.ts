import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { auditEventTypes } from "@gov/contracts";
import type { NewEvent } from "@gov/eventsourcing";
import { serviceTestApp } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AuditBundle, verifyBundle } from "../application/bundle.ts";
import { auditModule } from "../module.ts";

useBackend("sqlite", "audit HTTP API (sqlite)", true);

const start = () => serviceTestApp((deps) => auditModule(deps, { checkpointIntervalMs: 0 }));
let h: Awaited<ReturnType<typeof start>>;
beforeEach(async () => {
  h = await start();
});
afterEach(async () => {
  await h.dispose();
});

const clerk = { id: "clerk-1", role: "window-clerk" as const, department: "11330100MB0000001X" };
const officer = { id: "officer-7", role: "officer" as const, department: "11330100MB0000002X" };
const system = { id: "credit-reactions", role: "system" as const };
const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 1, minute)).toISOString();
const ev = (type: string, data: NewEvent["data"], minute: number, extra: Partial<NewEvent>): NewEvent => ({
  id: randomUUID(),
  type,
  source: `gov.${type.split(".")[1]}`,
  time: at(minute),
  data,
  actor: clerk,
  ...extra,
});

/**
 * One case through four services, as their events link it: intake accepts (caseid = application id), approval
 * opens a permit case from the acceptance, review-and-monitor pushes a finding, credit records the entry.
 */
async function givenCase() {
  const submitted = ev("gov.intake.application.submitted.v1", { applicationId: "A-1", matterId: "m" }, 0, {
    caseid: "A-1",
    correlationid: "req-1",
  });
  const accepted = ev(
    "gov.intake.application.accepted.v1",
    { applicationId: "A-1", caseNumber: "330100-2026-000042", legalBasis: "《行政许可法》第三十二条" },
    5,
    { caseid: "A-1", correlationid: "req-2" },
  );
  const permit = ev("gov.approval.permit.case-opened.v1", { applicationId: "A-1" }, 6, {
    caseid: "A-1",
    causationid: accepted.id,
    actor: officer,
  });
  const finding = ev(
    "gov.review-and-monitor.finding.pushed.v1",
    { caseNumber: "330100-2026-000042", subjectId: "O91330106MA2K5N9R4F", reason: "事中检查发现问题" },
    30,
    { causationid: permit.id, actor: officer },
  );
  const entry = ev(
    "gov.credit.subject.listing-proposed.v1",
    { subjectId: "O91330106MA2K5N9R4F", legalBasis: "《企业信息公示暂行条例》第十七条", caseId: "A-1" },
    31,
    { causationid: finding.id, caseid: "O91330106MA2K5N9R4F", actor: system },
  );
  await h.given("application-A-1", submitted, accepted);
  await h.given("permit-A-1", permit);
  await h.given("finding-F-1", finding);
  await h.given("subject-O91330106MA2K5N9R4F", entry);
  const head = (await h.store.readAll({ limit: 1_000_000 })).events.at(-1)?.position as string;
  expect(await h.module.projection.waitFor(head, 20_000)).toBe(true);
  return { submitted, accepted, permit, finding, entry };
}

const get = (
  url: string,
  role: "auditor" | "supervising-auditor" | "officer" = "auditor",
  sub = "auditor-1",
) => h.request({ method: "GET", url, as: { role, sub } });

describe("audit API: one case's history across services (审计)", () => {
  it("the timeline has every service's events in causal order, with who, role, department and why", async () => {
    const c = await givenCase();
    const { body } = await h
      .when({
        method: "GET",
        url: "/audit/cases/A-1/timeline?reason=年度执法检查",
        as: { role: "auditor", sub: "auditor-1" },
      })
      .thenAppended(200, {
        type: auditEventTypes.ReadRecorded,
        data: { what: "timeline", target: "A-1", reason: "年度执法检查" },
        actor: { id: "auditor-1", role: "auditor" },
      });
    const t = body as {
      events: { id: string; service: string; actor: object; legalBasis?: string }[];
      alsoKnownAs: string[];
      graph: { edges: object[] };
    };
    expect(t.events.map((e) => e.id)).toEqual([
      c.submitted.id,
      c.accepted.id,
      c.permit.id,
      c.finding.id,
      c.entry.id,
    ]);
    expect(t.events.map((e) => e.service)).toEqual([
      "intake",
      "intake",
      "approval",
      "review-and-monitor",
      "credit",
    ]);
    expect(t.events[1]).toMatchObject({ actor: clerk, legalBasis: "《行政许可法》第三十二条" });
    expect(t.alsoKnownAs).toEqual(["330100-2026-000042", "O91330106MA2K5N9R4F"]);
    expect(t.graph.edges).toEqual([
      { from: "req-1", to: c.submitted.id, kind: "caused-by-request" },
      { from: "req-2", to: c.accepted.id, kind: "caused-by-request" },
      { from: c.accepted.id, to: c.permit.id, kind: "caused-by-event" },
      { from: c.permit.id, to: c.finding.id, kind: "caused-by-event" },
      { from: c.finding.id, to: c.entry.id, kind: "caused-by-event" },
    ]);
    // The same case under its 办件编号
    const byNumber = (await get("/audit/cases/330100-2026-000042/timeline?reason=x")).json();
    expect(byNumber.events.map((e: { id: string }) => e.id)).toEqual(t.events.map((e) => e.id));
  });

  it("refuses a read without a reason, and records nothing (个人信息保护法 第五十一条)", async () => {
    await givenCase();
    await h
      .when({ method: "GET", url: "/audit/cases/A-1/timeline", as: "auditor" })
      .thenRefused(400, ["query.reason"]);
    await h
      .when({ method: "GET", url: "/audit/cases/A-1/at?reason=r&t=yesterday", as: "auditor" })
      .thenRefused(400, ["query.t"]);
    await h
      .when({
        method: "GET",
        url: "/audit/cases/A-1/diff?reason=r&from=2026-03-02T02:00:00Z&to=2026-03-02T01:00:00Z",
        as: "auditor",
      })
      .thenRefused(400, ["query.to"]);
    await h
      .when({ method: "GET", url: "/audit/cases/nope/timeline?reason=r", as: "auditor" })
      .thenRefused(404);
    await h
      .when({ method: "GET", url: "/audit/cases/A-1/timeline?reason=r", as: "officer" })
      .thenRefused(403);
    await h.when({ method: "GET", url: "/audit/cases/A-1/timeline?reason=r" }).thenRefused(401);
  });

  it("reconstructs each service's state at an instant, and the diff between two instants", async () => {
    await givenCase();
    const early = (await get(`/audit/cases/A-1/at?reason=r&t=${encodeURIComponent(at(1))}`)).json();
    expect(early.streams).toEqual([
      expect.objectContaining({
        stream: "application-A-1",
        revision: 0,
        lastType: "gov.intake.application.submitted.v1",
      }),
    ]);
    const late = (await get(`/audit/cases/A-1/at?reason=r&t=${encodeURIComponent(at(40))}`)).json();
    expect(late.streams.map((s: { stream: string }) => s.stream)).toEqual([
      "application-A-1",
      "permit-A-1",
      "finding-F-1",
      "subject-O91330106MA2K5N9R4F",
    ]);
    const diff = (
      await get(
        `/audit/cases/A-1/diff?reason=r&from=${encodeURIComponent(at(1))}&to=${encodeURIComponent(at(40))}`,
      )
    ).json();
    expect(diff.changes).toEqual([
      expect.objectContaining({
        stream: "application-A-1",
        kind: "changed",
        fields: [
          { field: "caseNumber", to: "330100-2026-000042" },
          { field: "legalBasis", to: "《行政许可法》第三十二条" },
        ],
      }),
      expect.objectContaining({ stream: "permit-A-1", kind: "appeared" }),
      expect.objectContaining({ stream: "finding-F-1", kind: "appeared" }),
      expect.objectContaining({ stream: "subject-O91330106MA2K5N9R4F", kind: "appeared" }),
    ]);
  });

  it("every read is recorded, and only a supervising auditor reads that record", async () => {
    await givenCase();
    await get("/audit/cases/A-1/timeline?reason=抽查", "auditor", "auditor-1");
    await get(`/audit/cases/A-1/at?reason=复核&t=${encodeURIComponent(at(10))}`, "auditor", "auditor-2");
    const head = (await h.store.readAll({ limit: 1_000_000 })).events.at(-1)?.position as string;
    expect(await h.module.projection.waitFor(head, 20_000)).toBe(true);
    expect((await get("/audit/access", "auditor")).statusCode).toBe(403);
    const all = (await get("/audit/access?case=A-1", "supervising-auditor", "sup-1")).json();
    expect(all).toMatchObject([
      { by: { id: "auditor-1", role: "auditor" }, what: "timeline", target: "A-1", reason: "抽查" },
      { by: { id: "auditor-2", role: "auditor" }, what: "at", target: "A-1", reason: "复核" },
    ]);
    const one = (await get("/audit/access?auditor=auditor-2", "supervising-auditor", "sup-1")).json();
    expect(one).toHaveLength(1);
  });

  it("signs checkpoints on demand and proves inclusion and consistency against them (RFC 9162 §2.1.3–2.1.4)", async () => {
    const c = await givenCase();
    const first = (await h.request({ method: "POST", url: "/audit/checkpoints", as: "auditor" })).json();
    expect(first).toMatchObject({ treeSize: 5, rootHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await h.given(
      "application-A-2",
      ev("gov.intake.application.submitted.v1", { applicationId: "A-2" }, 50, { caseid: "A-2" }),
    );
    const head = (await h.store.readAll({ limit: 1_000_000 })).events.at(-1)?.position as string;
    expect(await h.module.projection.waitFor(head, 20_000)).toBe(true);
    const second = (await h.request({ method: "POST", url: "/audit/checkpoints", as: "auditor" })).json();
    expect(second.treeSize).toBe(7); // the first checkpoint's own event, then A-2
    const inclusion = (await get(`/audit/proofs/inclusion?event=${c.finding.id}&size=5`)).json();
    expect(inclusion.proof).toMatchObject({ logIndex: 3, treeSize: 5 });
    const { verifyInclusion, verifyConsistency } = await import("@gov/merkle");
    const hex = (s: string) => Buffer.from(s, "hex");
    expect(
      verifyInclusion(hex(inclusion.proof.leafHash), 3, 5, inclusion.proof.path.map(hex), hex(first.rootHash))
        .ok,
    ).toBe(true);
    const consistency = (await get("/audit/proofs/consistency?from=5&to=7")).json();
    expect(
      verifyConsistency(5, 7, hex(first.rootHash), hex(second.rootHash), consistency.proof.path.map(hex)).ok,
    ).toBe(true);
    await h
      .when({ method: "GET", url: "/audit/proofs/consistency?from=5&to=6", as: "auditor" })
      .thenRefused(400, ["query.to"]);
    const listed = (await get("/audit/checkpoints")).json();
    expect(listed.checkpoints.map((x: { treeSize: number }) => x.treeSize)).toEqual([5, 7]);
    const verified = (await h.request({ method: "POST", url: "/audit/verify", as: "auditor" })).json();
    expect(verified).toMatchObject({ ok: true, checkpoints: [{ ok: true }, { ok: true }] });
  });

  it("exports a signed bundle that verifies offline, and fails naming the field when any field is altered", async () => {
    await givenCase();
    const response = await get("/audit/cases/A-1/export?reason=移送纪检");
    expect(response.statusCode).toBe(200);
    const bundle = response.json() as AuditBundle;
    expect(verifyBundle(bundle, bundle.publicKey)).toEqual({
      ok: true,
      case: "A-1",
      events: 5,
      treeSize: bundle.checkpoint.treeSize,
      failures: [],
    });
    const altered = (change: (b: AuditBundle) => void) => {
      const copy = structuredClone(bundle);
      change(copy);
      return verifyBundle(copy, bundle.publicKey).failures.map((f) => f.where);
    };
    expect(
      altered((b) => ((b.events[1] as AuditBundle["events"][number]).event.data = { forged: true })),
    ).toContain("events[1].event");
    expect(
      altered((b) => ((b.events[2] as AuditBundle["events"][number]).event.actor.id = "someone-else")),
    ).toContain("events[2].event");
    expect(altered((b) => ((b.events[0] as AuditBundle["events"][number]).logIndex = 1))).toContain(
      "events[0].inclusion",
    );
    expect(altered((b) => (b.events[3] as AuditBundle["events"][number]).inclusion.path.reverse())).toContain(
      "events[3].inclusion",
    );
    expect(altered((b) => (b.checkpoint.rootHash = "0".repeat(64)))).toContain("checkpoint");
    expect(altered((b) => (b.checkpoint.treeSize += 1))).toContain("checkpoint");
    expect(altered((b) => (b.case = "A-2"))).toEqual(["signature"]);
    expect(altered((b) => (b.exportedAt = "2020-01-01T00:00:00.000Z"))).toEqual(["signature"]);
    expect(altered((b) => b.events.splice(2, 1))).toEqual(["signature"]);
    expect(
      altered((b) => (b.publicKey = bundle.publicKey.replace(/.$/, (x) => (x === "A" ? "B" : "A")))),
    ).toContain("publicKey");
    expect(verifyBundle(bundle, `MCowBQYDK2VwAyEA${"A".repeat(43)}=`).failures.map((f) => f.where)).toContain(
      "publicKey",
    );

    // The CLI an outside auditor runs: a separate process with only the file (no store, no network settings).
    const file = join(h.dir, "bundle.json");
    writeFileSync(file, JSON.stringify(bundle));
    const cli = join(import.meta.dirname, "../cli/audit.ts");
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [cli, "verify-bundle", ...args], {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "" },
      });
    const good = run(file, "--key", bundle.publicKey);
    expect(good.stdout, good.stderr).toMatch(/^OK: case A-1: 5 events/);
    expect(good.status).toBe(0);
    const forged = structuredClone(bundle);
    (forged.events[4] as AuditBundle["events"][number]).event.time = "2026-03-01T00:00:00.000Z";
    writeFileSync(file, JSON.stringify(forged));
    const bad = run(file, "--key", bundle.publicKey);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("events[4].event:");

    const csv = await get("/audit/cases/A-1/export?reason=r&format=csv");
    expect(csv.headers["content-type"]).toMatch(/text\/csv/);
    expect(csv.body.split("\r\n")).toHaveLength(7);
    const html = await get("/audit/cases/A-1/export?reason=r&format=html");
    expect(html.body).toContain("《行政许可法》第三十二条");
  });

  it("odd input is never a 5xx: a refusal is problem+json and stores nothing", async () => {
    await givenCase();
    const odd = [
      "%00",
      "%F0%9F%98%80",
      "%ED%A0%80",
      "a".repeat(300),
      "..%2F..",
      "%20",
      "-1",
      "1e309",
      "null",
    ];
    for (const v of odd) {
      for (const url of [
        `/audit/cases/${v}/timeline?reason=${v}`,
        `/audit/cases/A-1/at?reason=r&t=${v}`,
        `/audit/cases/A-1/diff?reason=r&from=${v}&to=${v}`,
        `/audit/cases/${v}/export?reason=r&format=${v}`,
        `/audit/proofs/inclusion?event=${v}&size=${v}`,
        `/audit/proofs/consistency?from=${v}&to=${v}`,
        `/audit/access?case=${v}&after=${v}&limit=${v}`,
      ]) {
        const before = (await h.store.readAll({ limit: 1_000_000 })).events.length;
        const role = url.startsWith("/audit/access") ? "supervising-auditor" : "auditor";
        const r = await get(url, role);
        expect(r.statusCode, `${url}: ${r.body}`).toBeLessThan(500);
        if (r.statusCode >= 400) {
          expect(r.headers["content-type"]).toMatch(/problem\+json/);
          expect((await h.store.readAll({ limit: 1_000_000 })).events.length, url).toBe(before);
        }
      }
    }
  });
});
