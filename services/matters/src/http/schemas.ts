import {
  baselineSource,
  bundleDependency,
  departmentRef,
  freeText,
  isoDate,
  matterElements,
  matterType,
} from "@gov/contracts";
import { pageQuery } from "@gov/service-kit";
import { z } from "zod";

export const matterIdParam = z.object({ matterId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
export const versionParams = matterIdParam.extend({ version: z.coerce.number().int().min(1) });
export const bundleIdParam = z.object({ bundleId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

export const draftBody = z.object({ matterId: matterIdParam.shape.matterId, elements: matterElements });
export const reviseBody = z.object({ elements: matterElements });
/**
 * Free text (a reason) is `freeText`: an ID number or a mobile number in it is refused naming the field
 * (个人信息保护法 第五十一条). Names (of matters, bundles, departments), legal bases and codes are not free text.
 */
export const reasonBody = z.object({ reason: freeText(1000) });
export const publishBody = z
  .object({ effectiveFrom: z.iso.datetime({ offset: true }).optional() })
  .default({});
export const transferBody = z.object({ to: departmentRef, reason: freeText(1000) });
export const bundleBody = z.object({
  bundleId: bundleIdParam.shape.bundleId,
  name: z.string().min(1).max(200),
  leadDepartment: departmentRef,
  matterIds: z.array(matterIdParam.shape.matterId).min(2),
  /** Which member's result is which other member's material, where the catalog cannot derive it. */
  dependencies: z.array(bundleDependency).max(200).optional(),
});

/** The count of materials applicants were asked for before the reform, with its date and source document. */
export const materialsBaselineBody = z.object({
  count: z.number().int().min(1),
  asOf: isoDate,
  source: baselineSource,
  /** Why a recorded baseline is corrected (required for a correction). */
  reason: freeText(1000).optional(),
});

export const searchQuery = z.object({
  department: z.string().optional(),
  type: matterType.optional(),
  onlineDepth: z.coerce.number().int().min(1).max(4).optional(),
  caseKind: z.enum(["on-the-spot", "promised"]).optional(),
  text: z.string().max(100).optional(),
  ...pageQuery,
});
