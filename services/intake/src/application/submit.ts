import { createHash, randomUUID } from "node:crypto";
import type {
  Actor,
  ApplicantMaterialProvision,
  IntakeEventData,
  MaterialProvision,
  SubjectRef,
} from "@gov/contracts";
import {
  type CommandContext,
  NotFound,
  NotPermitted,
  RuleViolation,
  StateConflict,
} from "@gov/eventsourcing";
import { identifySubject } from "@gov/pii";
import type { CreditCopy } from "../read-models/credit-copy.ts";
import type { MattersCopy } from "../read-models/matters-copy.ts";
import type { ApplicationHandler, ApplicationResult } from "./applications.ts";

export type ApplicantInput =
  | { kind: "person"; idNumber: string }
  | { kind: "organisation"; creditCode: string; name?: string };

export interface SubmitInput {
  matterId: string;
  applicant: ApplicantInput;
  channel: IntakeEventData["ApplicationSubmitted"]["channel"];
  materials: ApplicantMaterialProvision[];
  informedCommitmentRequested?: boolean;
}

export interface BundleSubmitInput extends Omit<SubmitInput, "matterId"> {
  bundleId: string;
}

/** What a submission looks at before it acts: intake's copies of the catalog and of credit statuses. */
export interface SubmitDeps {
  handler: ApplicationHandler;
  matters: MattersCopy;
  credit: CreditCopy;
  /** The PII index key a person's subject id is derived under. */
  indexKey: Buffer;
}

/** The applicant as a subject, and what the window should know about the identifier. */
export interface IdentifiedApplicant {
  applicant: SubjectRef;
  /** False for a 统一社会信用代码 that fails its check character (GB 32100-2015), accepted with a warning. */
  checksumOk: boolean;
  warnings: string[];
}

/**
 * The applicant as a subject (`identifySubject`: 居民身份证号 checked per GB 11643-1999, 统一社会信用代码 per
 * GB 32100-2015, a person only by pseudonym). Fields are named relative to the request body. An applicant
 * submits only for itself; window staff may submit for anyone (帮办代办).
 */
export function identifyApplicant(
  input: ApplicantInput,
  indexKey: Buffer,
  actor: Actor,
): IdentifiedApplicant {
  const found = identifySubject(
    input.kind === "person"
      ? { idNumber: input.idNumber }
      : { creditCode: input.creditCode, ...(input.name ? { name: input.name } : {}) },
    indexKey,
  );
  if (!found.ok) throw new RuleViolation([{ field: `applicant.${found.field}`, message: found.message }]);
  if (actor.role === "applicant" && found.subjectId !== actor.id) {
    throw new NotPermitted("an applicant submits only for itself (or through 帮办代办 at a window)");
  }
  const applicant: SubjectRef = {
    subjectId: found.subjectId,
    kind: found.kind,
    ...(found.creditCode ? { creditCode: found.creditCode } : {}),
    ...(found.name ? { name: found.name } : {}),
  };
  return { applicant, checksumOk: found.checksumOk, warnings: found.warnings };
}

/** An id derived from the caller and its Idempotency-Key (so a retried submission is one application). */
const derivedId = (prefix: "A" | "B", ctx: CommandContext, key: string | undefined) =>
  key
    ? `${prefix}${createHash("sha256").update(`${ctx.actor.id}\u0000${key}`).digest("hex").slice(0, 24)}`
    : `${prefix}${randomUUID().replaceAll("-", "").slice(0, 24)}`;

/** The id of the application a submission makes (derived from its Idempotency-Key when there is one). */
const applicationIdFor = (ctx: CommandContext) => derivedId("A", ctx, ctx.idempotencyKey);

/**
 * Submits an application for the matter version in force, recording the applicant's credit status as intake
 * knows it. With an Idempotency-Key the application id derives from it, so a retried submission is one
 * application.
 */
export async function submitApplication(
  deps: SubmitDeps,
  input: SubmitInput,
  ctx: CommandContext,
): Promise<{ id: string; result: ApplicationResult } & IdentifiedApplicant> {
  const identified = identifyApplicant(input.applicant, deps.indexKey, ctx.actor);
  const { id, result } = await submitFor(deps, identified.applicant, input, ctx);
  return { id, result, ...identified };
}

async function submitFor(
  deps: SubmitDeps,
  applicant: SubjectRef,
  input: Omit<SubmitInput, "applicant" | "materials"> & { materials: MaterialProvision[] },
  ctx: CommandContext,
) {
  const { id, command } = await submitCommand(deps, applicant, input, ctx);
  const result = await deps.handler.handle(id, command, ctx);
  return { id, result };
}

type SubmitCommand = Awaited<ReturnType<typeof submitCommand>>["command"];

/** The SubmitApplication command for the matter version in force, and the application id it goes to. */
async function submitCommand(
  deps: SubmitDeps,
  applicant: SubjectRef,
  input: Omit<SubmitInput, "applicant" | "materials"> & {
    materials: MaterialProvision[];
    bundleApplicationId?: string;
  },
  ctx: CommandContext,
) {
  const found = await deps.matters.inForce(input.matterId);
  if ("problem" in found) {
    if (found.problem.startsWith("no published")) throw new NotFound(found.problem);
    throw new StateConflict(found.problem);
  }
  const id = applicationIdFor(ctx);
  const command = {
    type: "SubmitApplication" as const,
    data: {
      applicationId: id,
      ...(input.bundleApplicationId ? { bundleApplicationId: input.bundleApplicationId } : {}),
      matter: found.ref,
      requirements: found.elements.materials,
      applicant,
      channel: input.channel,
      materials: input.materials,
      informedCommitmentRequested: input.informedCommitmentRequested ?? false,
      credit: await deps.credit.of(applicant.subjectId),
    },
  };
  return { id, command };
}

/**
 * "一件事": one form and one set of materials for a bundle, fanned out into one application per matter that
 * share a bundle application id (国务院关于进一步优化政务服务提升行政效能推动“高效办成一件事”的指导意见).
 * Materials are keyed by the bundle's merged list: a shared material (e.g. the business licence) is handed in
 * once and counts for every matter that asks for it. A material that another member produces
 * (`dependencies`, e.g. 营业执照 from 企业设立登记) is never asked for: the dependent case records it as
 * awaiting the producing case's result and waits; independent members go ahead at once.
 */
export async function submitBundle(deps: SubmitDeps, input: BundleSubmitInput, ctx: CommandContext) {
  const identified = identifyApplicant(input.applicant, deps.indexKey, ctx.actor);
  const bundle = await deps.matters.bundle(input.bundleId);
  if (!bundle) throw new NotFound(`no published bundle ${input.bundleId}`);
  const keys = new Set(bundle.materials.map((m) => m.key));
  const unknown = input.materials.flatMap((m, i) =>
    keys.has(m.materialId)
      ? []
      : [{ field: `materials[${i}].materialId`, message: `the bundle lists no material ${m.materialId}` }],
  );
  if (unknown.length > 0) throw new RuleViolation(unknown);
  for (const { matterId } of bundle.matters) {
    const found = await deps.matters.inForce(matterId);
    if ("problem" in found) throw new StateConflict(`bundle ${input.bundleId}: ${found.problem}`);
  }
  const base = ctx.idempotencyKey ?? randomUUID();
  const bundleApplicationId = derivedId("B", ctx, base);
  // Each member's context, and so its application id, is known before any is submitted: a dependent case
  // names the case that produces its material.
  const memberCtx = (matterId: string): CommandContext => ({ ...ctx, idempotencyKey: `${base}:${matterId}` });
  const dependencies = bundle.dependencies ?? [];
  const members = new Set(bundle.matters.map((m) => m.matterId));
  for (const d of dependencies) {
    if (!members.has(d.producedBy) || !members.has(d.matterId))
      throw new StateConflict(
        `bundle ${input.bundleId}: ${d.matterId} depends on a matter outside the bundle`,
      );
  }
  // Every member is decided before anything is stored, and all of them are appended in ONE appendMany: a
  // member that cannot be submitted (e.g. its Idempotency-Key was used for another submission: 409) leaves
  // no other member behind.
  const commands: { id: string; matterId: string; command: SubmitCommand; ctx: CommandContext }[] = [];
  for (const { matterId } of bundle.matters) {
    const awaited = dependencies.filter((d) => d.matterId === matterId);
    const isAwaited = (materialId: string) => awaited.some((d) => d.materialId === materialId);
    const materials = input.materials.flatMap((given) =>
      (bundle.materials.find((m) => m.key === given.materialId)?.satisfies ?? [])
        .filter((s) => s.matterId === matterId && !isAwaited(s.materialId))
        .map((s): MaterialProvision => ({ ...given, materialId: s.materialId })),
    );
    const waits = awaited.map(
      (d): MaterialProvision => ({
        materialId: d.materialId,
        provision: "awaiting-result",
        producedBy: { matterId: d.producedBy, applicationId: applicationIdFor(memberCtx(d.producedBy)) },
      }),
    );
    const ctxOf = memberCtx(matterId);
    const { id, command } = await submitCommand(
      deps,
      identified.applicant,
      { ...input, matterId, materials: [...materials, ...waits], bundleApplicationId },
      ctxOf,
    );
    commands.push({ id, matterId, command, ctx: ctxOf });
  }
  const results = await deps.handler.handleTogether(commands);
  const cases: { id: string; matterId: string; result: ApplicationResult }[] = commands.map((c, i) => ({
    id: c.id,
    matterId: c.matterId,
    result: results[i] as ApplicationResult,
  }));
  return { id: bundleApplicationId, cases, ...identified };
}
