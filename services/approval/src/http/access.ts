import type { Role } from "@gov/contracts";
import { ForbiddenProblem } from "@gov/service-kit";
import type { FastifyRequest } from "fastify";

/** The implementing department's staff: they work cases (the decider checks the department on every action). */
export const caseworkers: readonly Role[] = ["officer", "department-head"];
/** Who oversees without working cases: regulators (监管), auditors and the platform's administrators. */
export const overseers: readonly Role[] = ["regulator", "auditor", "admin"];

/**
 * Reading a case or a certificate fails closed: staff of the department it belongs to, overseers, or the
 * applicant whose token's subject is its subject id; anyone else (another department, a token without the
 * department claim, another applicant) gets 403.
 */
export function mayRead(request: FastifyRequest, department: string, subjectId: string): void {
  const actor = request.context.actor;
  if (!actor) throw new ForbiddenProblem();
  if (overseers.includes(actor.role)) return;
  if (caseworkers.includes(actor.role) && actor.department !== undefined && actor.department === department)
    return;
  if (actor.role === "applicant" && actor.id === subjectId) return;
  throw new ForbiddenProblem("only the department's staff, overseers or the applicant read this");
}

/** The caller's department claim; a caseworker without one gets 403 (fails closed). */
export function departmentOf(request: FastifyRequest): string {
  const department = request.context.actor?.department;
  if (!department) throw new ForbiddenProblem("the token carries no department claim");
  return department;
}
