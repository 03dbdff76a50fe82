import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyBundle } from "@gov/audit";
import { residentIdCheckCharacter } from "@gov/identifiers";
import { loadConfig, mintToken, shutdown } from "@gov/service-kit";
import { fixedPlatformClock, useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createGateway } from "./gateway.ts";

useBackend("sqlite", "embedded platform: the audit trail over real services (sqlite)", true);

const ID = `33010619900307002${residentIdCheckCharacter("33010619900307002")}`;

/**
 * The audit service mounted with the others (docs/audit.md): an application's trail from intake's real events,
 * a person's credit record before and after erasure (个人信息保护法 第四十七条), whole-store verification and
 * the exported bundle checked offline.
 */
describe("embedded platform: the audit trail", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "gateway-audit-"));
  let app: Awaited<ReturnType<typeof createGateway>>;
  const headers: Record<string, Record<string, string>> = {};
  beforeAll(async () => {
    // On a fixed day: its limits end inside a year whose working-day calendar is published, whatever today is.
    app = await createGateway(loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }), {
      dataDir,
      seedDemo: true,
      adjustableClock: true,
      clockOffsetMs: fixedPlatformClock().offsetMs,
    });
    for (const [role, sub] of [
      ["window-clerk", "clerk-1"],
      ["credit-admin", "ca-1"],
      ["admin", "admin-1"],
      ["auditor", "auditor-1"],
    ] as const) {
      headers[role] = { authorization: `Bearer ${await mintToken({ sub, role, region: "330100" })}` };
    }
    await vi.waitFor(
      async () => {
        const ready = await app.inject({ method: "GET", url: "/health/ready" });
        if (ready.statusCode !== 200) throw new Error(`not ready: ${ready.body}`);
      },
      { timeout: 30_000, interval: 50 },
    );
  });
  afterAll(async () => {
    await shutdown(app);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const call = (method: "GET" | "POST", url: string, role: string, payload?: object) =>
    app.inject({ method, url, headers: headers[role], ...(payload ? { payload } : {}) });

  it("an accepted application's timeline holds intake's events in order, and its export verifies offline", async () => {
    const matter = (await call("GET", "/matters/public-place-hygiene-licence", "window-clerk")).json();
    const materials = matter.current.elements.materials
      .filter((m: { necessity: string }) => m.necessity !== "optional")
      .map((m: { id: string; replacedByCertificate?: string }) =>
        m.replacedByCertificate
          ? { materialId: m.id, provision: "certificate", certificateId: "ZZ-0001" }
          : {
              materialId: m.id,
              provision: "provided",
              file: { uri: `file:///u/${m.id}.pdf`, sha256: "c".repeat(64) },
            },
      );
    const submitted = await call("POST", "/intake/applications", "window-clerk", {
      matterId: "public-place-hygiene-licence",
      applicant: { kind: "organisation", creditCode: "91330106MA2K5N9R4F", name: "杭州示例科技有限公司" },
      channel: "window",
      materials,
    });
    expect(submitted.statusCode).toBe(201);
    const { id } = submitted.json();
    await expect
      .poll(async () => (await call("GET", `/intake/applications/${id}`, "window-clerk")).statusCode)
      .toBe(200);
    const checked = (await call("POST", `/intake/applications/${id}/check`, "window-clerk", {})).json();
    const timeline = async () =>
      (await call("GET", `/audit/cases/${id}/timeline?reason=抽查`, "auditor")).json();
    await expect
      .poll(async () =>
        (await timeline()).events?.some((e: { type: string }) => e.type.endsWith("accepted.v1")),
      )
      .toBe(true);
    const t = await timeline();
    expect(t.events[0]).toMatchObject({ service: "intake", actor: { id: "clerk-1", role: "window-clerk" } });
    const indexes = t.events.map((e: { logIndex: number }) => e.logIndex);
    expect(indexes).toEqual([...indexes].sort((a: number, b: number) => a - b));
    expect(t.alsoKnownAs).toContain(checked.caseNumber);
    // The 办件编号 finds the same trail (approval and the exchange keep adding to it meanwhile: compare the two
    // reads until they agree).
    const ids = (x: { events: { id: string }[] }) => x.events.map((e) => e.id);
    await expect
      .poll(async () => {
        const byNumber = (
          await call("GET", `/audit/cases/${checked.caseNumber}/timeline?reason=抽查`, "auditor")
        ).json();
        const byId = await timeline();
        return ids(byNumber).join() === ids(byId).join() && ids(byId).length >= t.events.length;
      })
      .toBe(true);

    const bundle = (await call("GET", `/audit/cases/${id}/export?reason=移交`, "auditor")).json();
    const verified = verifyBundle(bundle, bundle.publicKey);
    expect(verified).toMatchObject({ ok: true, events: bundle.events.length });
    expect(bundle.events.length).toBeGreaterThanOrEqual(t.events.length);

    // The reconstruction at the last instant agrees with intake's and approval's live read models: it folds each
    // stream with its owner's own evolve (@gov/aggregates), so the states are the services' states.
    await expect
      .poll(async () => (await timeline()).events?.some((e: { stream: string }) => e.stream === `case-${id}`))
      .toBe(true);
    const all = await timeline();
    const live = (await call("GET", `/intake/applications/${id}`, "window-clerk")).json();
    const liveCase = await call("GET", `/approval/cases/${id}`, "admin");
    expect(liveCase.statusCode).toBe(200);
    const last = all.events.at(-1).time as string;
    const state = (
      await call("GET", `/audit/cases/${id}/at?reason=核对&t=${encodeURIComponent(last)}`, "auditor")
    ).json();
    const application = state.streams.find((x: { stream: string }) => x.stream === `application-${id}`);
    expect(application.fields.matterId).toBe(live.matterId);
    expect(application.fields.caseNumber).toBe(live.accepted.caseNumber);
    expect(application.lastType).toMatch(new RegExp(`\\.${live.status}\\.v1$`));
    expect(application.state).toMatchObject({
      status: live.status,
      applicationId: id,
      accepted: { caseNumber: live.accepted.caseNumber, mode: live.accepted.mode },
    });
    const approvalCase = state.streams.find((x: { stream: string }) => x.stream === `case-${id}`);
    const view = liveCase.json();
    expect(approvalCase.service).toBe("approval");
    expect(approvalCase.state.status).toBe(view.status);
    expect(approvalCase.state.opened.caseNumber).toBe(view.caseNumber);
    expect(approvalCase.state.steps).toEqual(view.steps);
    // Before acceptance, the same application was a submission awaiting its check, and the diff names the move.
    const first = all.events[0].time as string;
    const diff = (
      await call(
        "GET",
        `/audit/cases/${id}/diff?reason=核对&from=${encodeURIComponent(first)}&to=${encodeURIComponent(last)}`,
        "auditor",
      )
    ).json();
    expect(diff.changes.find((c: { stream: string }) => c.stream === `application-${id}`).status).toEqual({
      from: "submitted",
      to: live.status,
    });
  });

  it("a person's erasure shows as erased in the timeline, and every proof still verifies (个人信息保护法 第四十七条)", async () => {
    const registered = await call("POST", "/credit/subjects", "credit-admin", {
      kind: "person",
      idNumber: ID,
      name: "张三",
    });
    expect(registered.statusCode).toBe(201);
    const subjectId = registered.json().id as string;
    const listed = await call("POST", `/credit/subjects/${subjectId}/listings`, "credit-admin", {
      listingId: "L-audit-1",
      list: "black",
      severity: "serious",
      issuingDepartment: { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" },
      legalBasis: "《食品安全法》第一百三十五条",
      reason: "被吊销食品经营许可证",
    });
    expect(listed.statusCode).toBe(201);
    const first = (await call("POST", "/audit/checkpoints", "auditor")).json();
    const erased = await call("POST", `/credit/subjects/${subjectId}/erasure`, "admin", {
      request: "删除请求 2026-101",
    });
    expect(erased.statusCode).toBe(200);

    const timeline = async () =>
      (await call("GET", `/audit/cases/${subjectId}/timeline?reason=复核`, "auditor")).json();
    await expect.poll(async () => (await timeline()).events?.at(-1)?.type).toMatch(/identity-erased\.v1$/);
    const t = await timeline();
    expect(JSON.stringify(t)).not.toContain("张三");
    expect(JSON.stringify(t)).not.toContain(ID);
    for (const e of t.events) expect(e.erased).toBe(true);
    const registeredEvent = t.events.find((e: { type: string }) => e.type.endsWith("registered.v1"));
    expect(registeredEvent.data.identity).toBe("(erased)");

    const second = (await call("POST", "/audit/checkpoints", "auditor")).json();
    const consistency = (
      await call("GET", `/audit/proofs/consistency?from=${first.treeSize}&to=${second.treeSize}`, "auditor")
    ).json();
    const { verifyConsistency } = await import("@gov/merkle");
    const hex = (s: string) => Buffer.from(s, "hex");
    expect(
      verifyConsistency(
        first.treeSize,
        second.treeSize,
        hex(first.rootHash),
        hex(second.rootHash),
        consistency.proof.path.map(hex),
      ).ok,
    ).toBe(true);
    const verified = (await call("POST", "/audit/verify", "auditor")).json();
    expect(verified).toMatchObject({ ok: true });
    expect(verified.checkpoints.every((c: { ok: boolean }) => c.ok)).toBe(true);
    const bundle = (await call("GET", `/audit/cases/${subjectId}/export?reason=移交`, "auditor")).json();
    expect(verifyBundle(bundle, bundle.publicKey)).toMatchObject({ ok: true, failures: [] });
  });
});
