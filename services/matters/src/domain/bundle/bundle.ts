import type { DepartmentRef, MatterElements, MattersEventData } from "@gov/contracts";
import type { CommandMetadata } from "../matter/commands.ts";

/** "一件事" bundle: a life event made of published matters across departments (domain brief §1, seed 004 §三(三)1). */
export type BundleEvent =
  | { type: "BundlePublished"; data: MattersEventData["BundlePublished"] }
  | { type: "BundleRetired"; data: MattersEventData["BundleRetired"] };

export type BundleState =
  | { status: "none" }
  | { status: "published"; bundleId: string; version: number }
  | { status: "retired"; bundleId: string };

/** A matter as the bundle needs it: its published version, looked up by the command handler from the catalog. */
export interface BundledMatter {
  matterId: string;
  version: number;
  suspended: boolean;
  elements: MatterElements;
}

export type BundleCommand =
  | {
      type: "DefineBundle";
      data: { bundleId: string; name: string; leadDepartment: DepartmentRef; matters: BundledMatter[] };
      metadata: CommandMetadata;
    }
  | { type: "RetireBundle"; data: { reason: string }; metadata: CommandMetadata };

export const initialBundleState = (): BundleState => ({ status: "none" });

export function evolveBundle(_state: BundleState, event: BundleEvent): BundleState {
  switch (event.type) {
    case "BundlePublished":
      return { status: "published", bundleId: event.data.bundleId, version: event.data.version };
    case "BundleRetired":
      return { status: "retired", bundleId: event.data.bundleId };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
