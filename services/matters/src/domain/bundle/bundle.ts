import type { MatterElements, MattersEventData } from "@gov/contracts";

/**
 * "一件事" bundle: a life event (新生儿出生, 企业开办 …) made of published matters across departments, with a lead
 * department (乐山市加快推进政务服务标准化规范化便利化工作方案, 2022, 三(三)1 深化“一件事一次办”改革).
 */
export type BundleEvent =
  | { type: "BundlePublished"; data: MattersEventData["BundlePublished"] }
  | { type: "BundleRetired"; data: MattersEventData["BundleRetired"] };

export type BundleState =
  | { status: "none" }
  | { status: "published"; bundleId: string; version: number }
  | { status: "retired"; bundleId: string };

/** A matter as the bundle needs it: its published version, looked up from the catalog by the define-bundle use case. */
export interface BundledMatter {
  matterId: string;
  version: number;
  suspended: boolean;
  elements: MatterElements;
}

/** One member's material that another member's result satisfies (see dependencies.ts). */
export type BundleDependency = NonNullable<MattersEventData["BundlePublished"]["dependencies"]>[number];

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
