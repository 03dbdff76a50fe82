import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chinaDate } from "@gov/calendar";
import { loadConfig, mintToken, shutdown } from "@gov/service-kit";
import { fixedPlatformClock, useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "./gateway.ts";

useBackend("sqlite", "embedded platform flow over the demo data (sqlite)", true);

/**
 * What a newcomer does after ./scripts/start (README "Try it"): apply for a seeded matter at the window and follow
 * the application to acceptance (and into the exchange feed); see credit act on intake; apply for a "一件事" bundle with one set of materials.
 */
describe("embedded platform: the README's walk-through", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "gateway-flow-"));
  let app: Awaited<ReturnType<typeof createGateway>>;
  let clerk: Record<string, string>;
  // On a fixed day: its limits end inside a year whose working-day calendar is published, whatever today is.
  const clock = fixedPlatformClock();
  beforeAll(async () => {
    app = await createGateway(loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }), {
      dataDir,
      seedDemo: true,
      adjustableClock: true,
      clockOffsetMs: clock.offsetMs,
    });
    clerk = {
      authorization: `Bearer ${await mintToken({ sub: "clerk-1", role: "window-clerk", region: "330100" })}`,
    };
    for (let i = 0; i < 400; i++) {
      if ((await app.inject({ method: "GET", url: "/health/ready" })).statusCode === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    await shutdown(app);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const post = (url: string, payload: object) => app.inject({ method: "POST", url, payload, headers: clerk });
  const get = (url: string) => app.inject({ method: "GET", url, headers: clerk });
  const file = (materialId: string) => ({
    materialId,
    provision: "provided",
    file: { uri: `file:///uploads/${materialId}.pdf`, sha256: "c".repeat(64) },
  });

  it("submits an application for a seeded matter and follows it to acceptance; a red-listed company is on the green channel", async () => {
    const matter = (await get("/matters/public-place-hygiene-licence")).json();
    const materials = matter.current.elements.materials
      .filter((m: { necessity: string }) => m.necessity !== "optional")
      .map((m: { id: string; replacedByCertificate?: string }) =>
        m.replacedByCertificate
          ? { materialId: m.id, provision: "certificate", certificateId: "ZZ-0001" }
          : file(m.id),
      );
    const submitted = await post("/intake/applications", {
      matterId: "public-place-hygiene-licence",
      applicant: { kind: "organisation", creditCode: "91330106MA2K5N9R4F", name: "杭州示例科技有限公司" },
      channel: "window",
      materials,
    });
    expect(submitted.statusCode).toBe(201);
    const { id: applicationId } = submitted.json();
    await expect.poll(async () => (await get(`/intake/applications/${applicationId}`)).statusCode).toBe(200);
    expect((await get(`/intake/applications/${applicationId}`)).json().flags).toEqual(["green-channel"]);
    const checked = await post(`/intake/applications/${applicationId}/check`, {});
    expect(checked.json().caseNumber).toMatch(
      new RegExp(`^${matter.current.elements.implementationCode}\\d{12}$`),
    );
    await expect
      .poll(async () => (await get(`/intake/applications/${applicationId}`)).json().status)
      .toBe("accepted");
    // The national exchange feed (docs/exchange.md): 申办 reported, re-reported under the 办件编号, then 受理.
    const auditor = {
      authorization: `Bearer ${await mintToken({ sub: "auditor-1", role: "auditor" })}`,
    };
    const day = (offset: number) => chinaDate(new Date(clock.now().getTime() + offset * 86_400_000));
    const feed = async () => {
      const r = await app.inject({
        method: "GET",
        url: `/exchange/case-steps?from=${day(-1)}&to=${day(1)}`,
        headers: auditor,
      });
      return (
        r.body
          .split("\n")
          .filter(Boolean)
          .map(
            (l) => JSON.parse(l) as { applicationId: string; step: string; version: number; caseKey: string },
          )
          // Intake's steps (approval's, 承办 onwards, follow as its officers work).
          .filter(
            (row) => row.applicationId === applicationId && ["application", "acceptance"].includes(row.step),
          )
          .map((row) => [row.step, row.version, row.caseKey])
      );
    };
    const caseNumber = checked.json().caseNumber;
    await expect.poll(feed).toEqual([
      ["application", 1, applicationId],
      ["application", 2, caseNumber],
      ["acceptance", 1, caseNumber],
    ]);
  });

  it("refuses 告知承诺 to the black-listed demo company", async () => {
    const submitted = await post("/intake/applications", {
      matterId: "public-place-hygiene-licence",
      applicant: { kind: "organisation", creditCode: "91330106MA2H3K7P1E" },
      channel: "window",
      informedCommitmentRequested: true,
      materials: [
        file("M01"),
        { materialId: "LIC", provision: "certificate", certificateId: "ZZ-2" },
        { materialId: "M03", provision: "promised" },
        file("M04"),
      ],
    });
    const { id: applicationId } = submitted.json();
    await expect.poll(async () => (await get(`/intake/applications/${applicationId}`)).statusCode).toBe(200);
    expect((await get(`/intake/applications/${applicationId}`)).json().flags).toEqual(["strict-review"]);
    expect((await post(`/intake/applications/${applicationId}/check`, {})).json().events).toEqual([
      { type: "CorrectionRequested" },
    ]);
  });

  it("企业开办: one set of materials fans out into one case per matter; the cases that need the 营业执照 wait for the member that issues it (国发〔2024〕3号 关联事项集成办)", async () => {
    const bundle = (await get("/matters/bundles/enterprise-opening")).json();
    const materials = bundle.data.materials.map((m: { key: string }) => file(m.key));
    const listed = bundle.data.materials.reduce(
      (n: number, m: { satisfies: unknown[] }) => n + m.satisfies.length,
      0,
    );
    expect(materials.length).toBeLessThan(listed); // the licence and the ID card are handed in once
    const submitted = await post("/intake/bundle-applications", {
      bundleId: "enterprise-opening",
      applicant: { kind: "organisation", creditCode: "91330105MA2L1P6T5Y" },
      channel: "window",
      materials,
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const { id: bundleApplicationId, applicationIds } = submitted.json();
    expect(applicationIds).toHaveLength(5);
    const producer = bundle.data.dependencies[0].producedBy as string;
    expect(bundle.data.dependencies.map((d: { materialId: string }) => d.materialId)).toContain("LIC");
    const outcomes: Record<string, { status: number; matterId: string }> = {};
    for (const id of applicationIds) {
      await expect.poll(async () => (await get(`/intake/applications/${id}`)).statusCode).toBe(200);
      const matterId = (await get(`/intake/applications/${id}`)).json().matter.matterId as string;
      outcomes[id] = { status: (await post(`/intake/applications/${id}/check`, {})).statusCode, matterId };
    }
    // The member that issues the licence is accepted; the four that need it wait for its result (409 on check).
    const byMatter = Object.values(outcomes);
    expect(byMatter.filter((o) => o.status === 200).map((o) => o.matterId)).toEqual([producer]);
    expect(byMatter.filter((o) => o.status === 409)).toHaveLength(4);
    const view = (await get(`/intake/bundle-applications/${bundleApplicationId}`)).json();
    expect(view.status).not.toBe("accepted");
    expect(view.waits).toHaveLength(4);
  });
});
