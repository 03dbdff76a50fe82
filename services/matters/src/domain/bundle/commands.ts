import type { DepartmentRef } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";
import type { BundleDependency, BundledMatter } from "./bundle.ts";

/**
 * Defines a bundle, or its next version: the matters come with their published versions (see BundledMatter);
 * `dependencies` lists the members' results the catalog data cannot match to a material (see dependencies.ts).
 */
export type DefineBundle = Command<
  "DefineBundle",
  {
    bundleId: string;
    name: string;
    leadDepartment: DepartmentRef;
    matters: BundledMatter[];
    dependencies?: BundleDependency[];
  }
>;
export type RetireBundle = Command<"RetireBundle", { reason: string }>;

export type BundleCommand = DefineBundle | RetireBundle;
