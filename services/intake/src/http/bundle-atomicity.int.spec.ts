import { calendarSeed } from "@gov/calendar";
import { serviceTestApp, type TestCaller } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { intakeModule } from "../module.ts";
import { bundleCommandResult } from "./schemas.ts";
import { hygieneElements, publishBundle, publishCalendar, publishMatter } from "./test-fixtures.ts";

useBackend("sqlite", "intake bundle atomicity (sqlite)", true);

const CODE = "91330106MA2H3K7P1E";
const submitted = "gov.intake.application.submitted.v1";
const clerk: TestCaller = { role: "window-clerk", region: "330100" };
// 企业开办一件事 (国务院关于进一步优化政务服务提升行政效能推动“高效办成一件事”的指导意见): five matters, one form.
const members = [
  "enterprise-establishment",
  "seal-engraving-filing",
  "invoice-issuance",
  "employer-social-insurance-registration",
  "housing-fund-employer-registration",
];
const licence = { materialId: "LIC", provision: "certificate", certificateId: "ZZ-330106-2025-000123" };
const file = (id: string) => ({
  materialId: id,
  provision: "provided",
  file: { uri: `s3://uploads/${id}.pdf`, sha256: "b".repeat(64) },
});

const start = () =>
  serviceTestApp((deps) => intakeModule(deps, { schedulerIntervalMs: 0 }), {
    start: "2026-09-29T10:00:00+08:00",
  });
let h: Awaited<ReturnType<typeof start>>;

beforeEach(async () => {
  h = await start();
  for (const matterId of members) await publishMatter(h, hygieneElements, matterId);
  await publishCalendar(h, calendarSeed);
  await publishBundle(h, "enterprise-opening", members);
  await expect.poll(() => h.module.matters.bundle("enterprise-opening")).toBeDefined();
  await expect.poll(() => h.module.matters.size()).toBe(members.length);
});
afterEach(async () => {
  await h.dispose();
});

const bundleRequest = (key: string) => ({
  method: "POST" as const,
  url: "/intake/bundle-applications",
  as: clerk,
  headers: { "idempotency-key": key },
  body: {
    bundleId: "enterprise-opening",
    applicant: { kind: "organisation", creditCode: CODE },
    channel: "window",
    materials: [licence],
  },
});

describe('intake API: a "一件事" bundle is submitted all or nothing', () => {
  it("a bundle whose member's Idempotency-Key was already used for another submission is a 409, and NO member is stored", async () => {
    await h
      .when({
        method: "POST",
        url: "/intake/applications",
        as: clerk,
        headers: { "idempotency-key": "K:housing-fund-employer-registration" },
        body: {
          matterId: "housing-fund-employer-registration",
          applicant: { kind: "organisation", creditCode: CODE, name: "杭州示例餐饮管理有限公司" },
          channel: "window",
          materials: [file("M01"), licence, file("M03"), file("M04")],
        },
      })
      .thenAppended(201, submitted);
    await h.when(bundleRequest("K")).thenRefused(409);
  });

  it("a bundle stores its five applications in one write, and a retry with the same key stores nothing more", async () => {
    const { body } = await h
      .when(bundleRequest("K2"))
      .thenAppended(201, submitted, submitted, submitted, submitted, submitted);
    const reply = bundleCommandResult.parse(body);
    expect(reply.applicationIds).toHaveLength(5);
    const again = await h.when(bundleRequest("K2")).thenAppended(201);
    expect(bundleCommandResult.parse(again.body).applicationIds).toEqual(reply.applicationIds);
  });
});
