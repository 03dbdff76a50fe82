import { z } from "zod";
import { departmentRef, isoDate, isoInstant } from "../codes.ts";
import { calendarYearPublished } from "./calendar.ts";
import { matterElements } from "./elements.ts";

/**
 * Events published by the matters service (事项清单). Stream categories: `matter` (one stream per matter,
 * id `matter-<matterId>`), `bundle` (one per "一件事", id `bundle-<bundleId>`), `calendar` (one per year of
 * the working-day calendar, id `calendar-<year>`, see calendar.ts) and `baseline` (one per figure the reform is
 * measured against, id `baseline-<measure>`). Kafka topics: `gov.matters.matter.v1`, `gov.matters.bundle.v1`,
 * `gov.matters.calendar.v1`, `gov.matters.baseline.v1`.
 */

const matterId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const bundleId = matterId;
const reason = z.string().min(1).max(1000);

/** A new matter, or the next draft after a published version (edits never touch a published version). */
export const matterDrafted = z.object({
  matterId,
  /** The version number this draft will get when published (1 for a new matter). */
  version: z.number().int().min(1),
  elements: matterElements,
});

export const matterDraftRevised = z.object({
  matterId,
  version: z.number().int().min(1),
  elements: matterElements,
});

/** 认领: the implementing department confirms it carries out the matter. */
export const matterClaimed = z.object({ matterId, department: departmentRef });

/** A numbered, immutable version is in force from `effectiveFrom`; it carries every element. */
export const matterPublished = z.object({
  matterId,
  version: z.number().int().min(1),
  /** The version this one replaces, if any. */
  supersedes: z.number().int().min(1).optional(),
  effectiveFrom: isoInstant,
  elements: matterElements,
});

export const matterSuspended = z.object({ matterId, version: z.number().int().min(1), reason });
export const matterResumed = z.object({ matterId, version: z.number().int().min(1) });
export const matterRetired = z.object({ matterId, reason });

/**
 * Transfer after a department reorganisation (韶关市 2019 "一网、一门、一次" 改革通知 §六: after 机构改革 the old department stays responsible): the old department stays responsible (and keeps
 * accepting applications) until the new one confirms.
 */
export const matterTransferRequested = z.object({ matterId, from: departmentRef, to: departmentRef, reason });
export const matterTransferConfirmed = z.object({ matterId, from: departmentRef, to: departmentRef });
export const matterTransferCancelled = z.object({ matterId, from: departmentRef, to: departmentRef, reason });

export const bundleMaterial = z.object({
  /** The shared key (or `<matterId>:<materialId>` when the material belongs to one matter only). */
  key: z.string().min(1).max(120),
  name: z.string().min(1).max(200),
  /** Which matters' materials this one item satisfies. */
  satisfies: z.array(z.object({ matterId, materialId: z.string().min(1) })).min(1),
});

/**
 * Within a bundle, one member's result (e.g. 营业执照 from 企业设立登记) is another member's material: the
 * applicant cannot hold it before the bundle produces it, so it is never asked for; the dependent member's case
 * waits for that result and then uses it, while independent members run in parallel.
 */
export const bundleDependency = z.object({
  /** The member that needs the result. */
  matterId,
  /** Its material that the result satisfies. */
  materialId: z.string().min(1),
  /** The member whose result it is. */
  producedBy: matterId,
});

/** "一件事": a life event made of published matters across departments, handled through one window. */
export const bundlePublished = z.object({
  bundleId,
  name: z.string().min(1).max(200),
  version: z.number().int().min(1),
  leadDepartment: departmentRef,
  matters: z
    .array(z.object({ matterId, version: z.number().int().min(1), department: departmentRef }))
    .min(2),
  /**
   * The merged list: a material several matters need is asked once; a material another member produces
   * (see `dependencies`) is not on it.
   */
  materials: z.array(bundleMaterial),
  /** Which member's result is which other member's material (none: every member runs in parallel). */
  dependencies: z.array(bundleDependency).optional(),
});
export const bundleRetired = z.object({ bundleId, reason });

/**
 * The figures a KPI is measured against. `materials-asked`: how many materials the catalog asked applicants for
 * before the reform, against which "materials reduced" is computed (国办发〔2018〕45号: 企业和群众到政府办事提供的
 * 材料减少60%以上).
 */
export const baselineMeasure = z.enum(["materials-asked"]);
export type BaselineMeasure = z.infer<typeof baselineMeasure>;

/** The public document a baseline figure comes from. */
export const baselineSource = z.object({
  /** Its title, e.g. the catalog of materials a city published before the reform. */
  title: z.string().trim().min(1).max(200),
  /** Its document number (文号), if it has one. */
  number: z.string().trim().min(1).max(100).optional(),
  /** Where it can be read. */
  url: z.url().max(2000).optional(),
});

/** A baseline figure recorded (version 1), or corrected (the next version, with its reason). */
export const baselineRecorded = z.object({
  measure: baselineMeasure,
  version: z.number().int().min(1),
  /** The figure, e.g. the number of materials asked before the reform. */
  count: z.number().int().min(1),
  /** The date the figure describes. */
  asOf: isoDate,
  source: baselineSource,
  /** The version this one corrects. */
  supersedesVersion: z.number().int().min(1).optional(),
  /** Why it was corrected (every correction says why). */
  reason: z.string().trim().min(1).max(1000).optional(),
});

export const mattersEventTypes = {
  MatterDrafted: "gov.matters.matter.drafted.v1",
  MatterDraftRevised: "gov.matters.matter.draft-revised.v1",
  MatterClaimed: "gov.matters.matter.claimed.v1",
  MatterPublished: "gov.matters.matter.published.v1",
  MatterSuspended: "gov.matters.matter.suspended.v1",
  MatterResumed: "gov.matters.matter.resumed.v1",
  MatterRetired: "gov.matters.matter.retired.v1",
  MatterTransferRequested: "gov.matters.matter.transfer-requested.v1",
  MatterTransferConfirmed: "gov.matters.matter.transfer-confirmed.v1",
  MatterTransferCancelled: "gov.matters.matter.transfer-cancelled.v1",
  BundlePublished: "gov.matters.bundle.published.v1",
  BundleRetired: "gov.matters.bundle.retired.v1",
  CalendarYearPublished: "gov.matters.calendar.year-published.v1",
  BaselineRecorded: "gov.matters.baseline.recorded.v1",
} as const;

export const mattersEventSchemas = {
  MatterDrafted: matterDrafted,
  MatterDraftRevised: matterDraftRevised,
  MatterClaimed: matterClaimed,
  MatterPublished: matterPublished,
  MatterSuspended: matterSuspended,
  MatterResumed: matterResumed,
  MatterRetired: matterRetired,
  MatterTransferRequested: matterTransferRequested,
  MatterTransferConfirmed: matterTransferConfirmed,
  MatterTransferCancelled: matterTransferCancelled,
  BundlePublished: bundlePublished,
  BundleRetired: bundleRetired,
  CalendarYearPublished: calendarYearPublished,
  BaselineRecorded: baselineRecorded,
} as const;

export type MattersEventName = keyof typeof mattersEventSchemas;
export type MattersEventData = { [K in MattersEventName]: z.infer<(typeof mattersEventSchemas)[K]> };
