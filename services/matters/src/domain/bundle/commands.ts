import type { DepartmentRef } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";
import type { BundledMatter } from "./bundle.ts";

/** Defines a bundle, or its next version: the matters come with their published versions (see BundledMatter). */
export type DefineBundle = Command<
  "DefineBundle",
  { bundleId: string; name: string; leadDepartment: DepartmentRef; matters: BundledMatter[] }
>;
export type RetireBundle = Command<"RetireBundle", { reason: string }>;

export type BundleCommand = DefineBundle | RetireBundle;
