import { seedCalendar } from "@gov/calendar";
import { type Role, roles } from "@gov/contracts";
import { serviceTestApp, type TestCaller } from "@gov/runtime/testing";
import { DEVELOPMENT_SEAL_PASSPHRASE, FileKeyring } from "@gov/seal";
import { tempDir, useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalModule } from "../module.ts";
import {
  accept,
  accepted,
  autoRules,
  elements,
  eventually,
  MARKET,
  ORG,
  publishMatter,
} from "./test-fixtures.ts";

/**
 * Who may call which approval route: every route × every role (admitted → never 401/403/5xx; not admitted → 403),
 * and for every route acting on a department's case or permit, a caller of another department, or one whose
 * token lacks the department claim, gets 403 (fails closed).
 */
useBackend("sqlite", "approval access table (sqlite)", true);

const OTHER = "11330100002489129R";
let h: Awaited<ReturnType<typeof setup>>;
const setup = () =>
  serviceTestApp(
    (deps) =>
      approvalModule(deps, {
        calendar: () => seedCalendar(),
        keyring: FileKeyring.open({
          directory: tempDir("approval-access-keys-"),
          passphrase: DEVELOPMENT_SEAL_PASSPHRASE,
          nodeEnv: "test",
        }),
      }),
    { start: "2026-03-02T10:00:00+08:00" },
  );

const caseworkers: Role[] = ["officer", "department-head"];
const overseers: Role[] = ["regulator", "auditor", "admin"];
const readers: Role[] = [...caseworkers, ...overseers, "window-clerk", "applicant"];
const change = { reason: "依法处理", legalBasis: "《中华人民共和国行政许可法》" };
const CASE = "/approval/cases/ACC-1";
const PERMIT = "/approval/permits/PMT-AUTO-1";
const CERT = "/approval/certificates/PMT-AUTO-1-01";

interface Route {
  method: "GET" | "POST";
  url: string;
  body?: unknown;
  admitted: readonly Role[] | "public";
  /** Acts on a department's case or permit: another department, or no department claim, is 403. */
  departmental?: boolean;
}
const table: Route[] = [
  { method: "GET", url: "/approval/inbox", admitted: caseworkers },
  { method: "GET", url: CASE, admitted: [...caseworkers, ...overseers, "applicant"], departmental: true },
  { method: "GET", url: "/approval/bundles/NOPE", admitted: [...caseworkers, ...overseers, "applicant"] },
  { method: "POST", url: `${CASE}/steps/0/claim`, admitted: caseworkers, departmental: true },
  {
    method: "POST",
    url: `${CASE}/steps/0/complete`,
    body: { opinion: "同意", recommendation: "approve" },
    admitted: caseworkers,
    departmental: true,
  },
  {
    method: "POST",
    url: `${CASE}/steps/1/return`,
    body: { reason: "补充意见" },
    admitted: caseworkers,
    departmental: true,
  },
  {
    method: "POST",
    url: `${CASE}/steps/0/reassign`,
    body: { toOfficerId: "officer-2", reason: "休假" },
    admitted: caseworkers,
    departmental: true,
  },
  {
    method: "POST",
    url: `${CASE}/procedures`,
    body: {
      procedureId: "PX",
      procedure: "hearing",
      startedOn: "2026-03-02",
      expectedEndOn: "2026-03-03",
      legalBasis: "第四十五条",
      notice: "听证",
    },
    admitted: caseworkers,
    departmental: true,
  },
  {
    method: "POST",
    url: `${CASE}/procedures/PX/end`,
    body: { endedOn: "2026-03-03" },
    admitted: caseworkers,
    departmental: true,
  },
  {
    method: "POST",
    url: `${CASE}/extension`,
    body: { reason: "情况复杂" },
    admitted: ["department-head"],
    departmental: true,
  },
  {
    method: "POST",
    url: `${CASE}/decision`,
    body: { outcome: "approved" },
    admitted: caseworkers,
    departmental: true,
  },
  { method: "GET", url: `/approval/certificates?holder=${ORG.subjectId}`, admitted: readers },
  { method: "GET", url: CERT, admitted: readers, departmental: true },
  {
    method: "POST",
    url: "/approval/certificates/verify",
    body: { document: {}, seal: {} },
    admitted: "public",
  },
  {
    method: "POST",
    url: `${CERT}/delivery`,
    body: { method: "window" },
    admitted: caseworkers,
    departmental: true,
  },
  { method: "GET", url: PERMIT, admitted: readers, departmental: true },
  {
    method: "POST",
    url: `${PERMIT}/amend`,
    body: { ...change, scope: "单位印章刻制备案（变更）" },
    admitted: caseworkers,
    departmental: true,
  },
  {
    method: "POST",
    url: `${PERMIT}/renew`,
    body: { ...change, validUntil: "2040-01-01" },
    admitted: caseworkers,
    departmental: true,
  },
  {
    method: "POST",
    url: `${PERMIT}/cancel`,
    body: { ...change, ground: "holder-gone" },
    admitted: caseworkers,
    departmental: true,
  },
  {
    method: "POST",
    url: `${PERMIT}/dismiss-revocation`,
    body: { findingId: "F0", reason: "x" },
    admitted: ["department-head"],
    departmental: true,
  },
  {
    method: "POST",
    url: `${PERMIT}/withdraw`,
    body: change,
    admitted: ["department-head"],
    departmental: true,
  },
  {
    method: "POST",
    url: `${PERMIT}/rescind`,
    body: { ...change, ground: "other", decisionNumber: "撤〔2026〕1号" },
    admitted: ["department-head"],
    departmental: true,
  },
  {
    method: "POST",
    url: `${PERMIT}/revoke`,
    body: { ...change, penaltyDecision: "罚〔2026〕1号" },
    admitted: ["department-head"],
    departmental: true,
  },
];

const caller = (role: Role, department: string | null = MARKET.creditCode): TestCaller => ({
  role,
  sub: role === "applicant" ? ORG.subjectId : `${role}-1`,
  ...(department ? { department } : {}),
});

beforeAll(async () => {
  h = await setup();
  await publishMatter(h, "food", elements());
  await publishMatter(
    h,
    "seal-filing",
    elements({
      processSteps: [{ name: "受理并备案" }],
      allowsAutoApproval: true,
      autoApprovalRules: autoRules,
    }),
  );
  await accept(h, accepted("ACC-1", "food"));
  await accept(
    h,
    accepted("AUTO-1", "seal-filing", {
      matter: { ...accepted("x", "x").matter, matterId: "seal-filing", allowsAutoApproval: true },
    }),
  );
  await eventually(() => h.module.model.caseFile("ACC-1"), "case");
  await eventually(() => h.module.model.certificate("PMT-AUTO-1-01"), "certificate");
});
afterAll(async () => h?.dispose());

describe("every route × every role", () => {
  for (const route of table) {
    it(`${route.method} ${route.url}`, async () => {
      for (const role of roles) {
        const res = await h.request({
          method: route.method,
          url: route.url,
          as: caller(role),
          body: route.body,
        });
        const admitted = route.admitted === "public" || route.admitted.includes(role);
        expect(res.statusCode, `${role}: ${res.body}`).toBeLessThan(500);
        if (admitted) expect([401, 403], `${role}: ${res.body}`).not.toContain(res.statusCode);
        else expect(res.statusCode, `${role}: ${res.body}`).toBe(403);
      }
      const anonymous = await h.request({ method: route.method, url: route.url, body: route.body });
      expect(anonymous.statusCode).toBe(route.admitted === "public" ? 200 : 401);
    });
  }
});

describe("another department, or no department claim, is 403 (fails closed)", () => {
  for (const route of table.filter((r) => r.departmental)) {
    it(`${route.method} ${route.url}`, async () => {
      const roles = (route.admitted as Role[]).filter((r) => caseworkers.includes(r));
      for (const role of roles) {
        for (const department of [OTHER, null]) {
          await h
            .when({ method: route.method, url: route.url, as: caller(role, department), body: route.body })
            .thenRefused(403);
        }
      }
    });
  }
});

describe("access before state: on a decided case another department gets 403, the department's own staff 409", () => {
  const DECIDED = "/approval/cases/AUTO-1";
  const actions: { url: string; body?: unknown; role: Role }[] = [
    { url: `${DECIDED}/steps/0/claim`, role: "officer" },
    {
      url: `${DECIDED}/steps/0/complete`,
      body: { opinion: "同意", recommendation: "approve" },
      role: "officer",
    },
    { url: `${DECIDED}/decision`, body: { outcome: "approved" }, role: "department-head" },
    { url: `${DECIDED}/extension`, body: { reason: "情况复杂" }, role: "department-head" },
  ];
  for (const action of actions) {
    it(`POST ${action.url} (行政许可法 第三十八条: decided; access is checked first)`, async () => {
      for (const department of [OTHER, null]) {
        await h
          .when({ method: "POST", url: action.url, as: caller(action.role, department), body: action.body })
          .thenRefused(403);
      }
      const own = await h.request({
        method: "POST",
        url: action.url,
        as: caller(action.role),
        body: action.body,
      });
      expect(own.statusCode, own.body).toBe(409);
    });
  }
});
