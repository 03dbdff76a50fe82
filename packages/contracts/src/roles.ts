import { z } from "zod";

/**
 * The roles a caller can hold. One list for the platform: tokens carry one of these, routes declare which
 * they admit, and every stored event names the role its actor acted in.
 */
export const roles = [
  "applicant",
  "window-clerk",
  "officer",
  "department-head",
  "regulator",
  /**
   * The supervising side of 好差评 and complaints (政务服务管理机构, 国办发〔2019〕51号): calls raters and complainants
   * back, verifies 差评, decides appeals against malicious ratings, urges (催办) handling departments.
   */
  "supervisor",
  "credit-admin",
  "auditor",
  "admin",
  "system",
  /** Reads the audit service's record of who read which case and why (个人信息保护法 第五十一条). */
  "supervising-auditor",
] as const;
export type Role = (typeof roles)[number];
export const role = z.enum(roles);

/** Who acted: the authenticated caller of a request, or `system` for scheduled processes and reactions. */
export interface Actor {
  id: string;
  role: Role;
  /** The department's 统一社会信用代码 (unified social credit code), for officers and clerks. */
  department?: string;
  /** The 行政区划 (administrative division) code the actor works in. */
  region?: string;
}
