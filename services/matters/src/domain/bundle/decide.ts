import type { MattersEventData } from "@gov/contracts";
import { type Decider, NotFound, RuleViolation, StateConflict } from "@gov/eventsourcing";
import {
  type BundleDependency,
  type BundledMatter,
  type BundleEvent,
  type BundleState,
  evolveBundle,
  initialBundleState,
} from "./bundle.ts";
import type { BundleCommand, DefineBundle, RetireBundle } from "./commands.ts";
import { bundleDependencies } from "./dependencies.ts";

type MergedMaterial = MattersEventData["BundlePublished"]["materials"][number];

/** The bundle decider: a bundle is defined (version 1, 2 …) until it is retired. Pure; throws domain errors. */
export function decideBundle(command: BundleCommand, state: BundleState): BundleEvent[] {
  switch (command.type) {
    case "DefineBundle":
      return defineBundle(command, state);
    case "RetireBundle":
      return retireBundle(command, state);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

export const bundleDecider: Decider<BundleCommand, BundleEvent, BundleState> = {
  initialState: initialBundleState,
  evolve: evolveBundle,
  decide: decideBundle,
};

function defineBundle({ data }: DefineBundle, state: BundleState): BundleEvent[] {
  if (state.status === "retired") throw new StateConflict(`bundle ${state.bundleId} is retired`);
  const { bundleId, name, leadDepartment, matters } = data;
  const { dependencies, problems: dependencyProblems } = bundleDependencies(matters, data.dependencies);
  const problems = [...checkBundle(data), ...dependencyProblems];
  if (problems.length > 0) throw new RuleViolation(problems);
  const version = state.status === "published" ? state.version + 1 : 1;
  return [
    {
      type: "BundlePublished",
      data: {
        bundleId,
        name,
        version,
        leadDepartment,
        matters: matters.map((m) => ({
          matterId: m.matterId,
          version: m.version,
          department: {
            creditCode: m.elements.implementingDepartment.creditCode,
            name: m.elements.implementingDepartment.name,
          },
        })),
        materials: mergeMaterials(matters, dependencies),
        dependencies,
      },
    },
  ];
}

function retireBundle({ data }: RetireBundle, state: BundleState): BundleEvent[] {
  if (state.status === "none") throw new NotFound("bundle does not exist");
  if (state.status === "retired") throw new StateConflict(`bundle ${state.bundleId} is already retired`);
  return [{ type: "BundleRetired", data: { bundleId: state.bundleId, reason: data.reason } }];
}

function checkBundle(data: DefineBundle["data"]) {
  const problems: { field: string; message: string }[] = [];
  const ids = data.matters.map((m) => m.matterId);
  // 一件事 = several matters, one window, one set of materials: 一次告知、一表申请、一套材料、一窗受理
  // (乐山市加快推进政务服务标准化规范化便利化工作方案, 2022, 三(三)1).
  if (new Set(ids).size < 2)
    problems.push({ field: "matterIds", message: "a bundle needs at least two different matters" });
  if (new Set(ids).size !== ids.length)
    problems.push({ field: "matterIds", message: "a matter appears twice" });
  data.matters.forEach((m, i) => {
    if (m.suspended)
      problems.push({ field: `matterIds[${i}]`, message: `matter ${m.matterId} is suspended` });
  });
  const departments = new Set(data.matters.map((m) => m.elements.implementingDepartment.creditCode));
  if (!departments.has(data.leadDepartment.creditCode)) {
    problems.push({
      field: "leadDepartment",
      message: "the lead department (牵头部门) must implement one of the matters",
    });
  }
  return problems;
}

/**
 * One set of materials (一套材料; 乐山市加快推进政务服务标准化规范化便利化工作方案, 2022, 三(三)1): materials with the same `sharedKey` are asked once and
 * satisfy every matter that lists them; the rest keep one entry each, keyed `<matterId>:<materialId>`. A material
 * another member produces (`dependencies`) is left out: the applicant cannot hold it yet.
 */
export function mergeMaterials(
  matters: readonly BundledMatter[],
  dependencies: readonly BundleDependency[] = [],
): MergedMaterial[] {
  const produced = new Set(dependencies.map((d) => `${d.matterId}\u0000${d.materialId}`));
  const merged = new Map<string, MergedMaterial>();
  for (const m of matters) {
    for (const material of m.elements.materials) {
      if (produced.has(`${m.matterId}\u0000${material.id}`)) continue;
      const key = material.sharedKey ?? `${m.matterId}:${material.id}`;
      const entry = merged.get(key);
      if (entry) entry.satisfies.push({ matterId: m.matterId, materialId: material.id });
      else
        merged.set(key, {
          key,
          name: material.name,
          satisfies: [{ matterId: m.matterId, materialId: material.id }],
        });
    }
  }
  return [...merged.values()];
}
