import { chinaDate, type WorkingDayCalendar } from "@gov/calendar";
import type { IntakeEventData, MaterialProvision } from "@gov/contracts";
import { NotFound, RuleViolation, StateConflict } from "@gov/eventsourcing";
import {
  type ActiveApplication,
  type ApplicationEvent,
  type ApplicationState,
  evolveApplication,
} from "./application.ts";
import type { ApplicationCommand } from "./commands.ts";
import { assess } from "./completeness.ts";

/** 行政许可法 Art. 32: the notice to correct is due within 5 (working) days of receipt. */
export const NOTICE_DAYS = 5;

/**
 * The application decider over a working-day calendar: which events follow from a command. Pure; throws domain
 * errors. The completeness rules are in `assess` (completeness.ts).
 */
export function applicationDecider(calendar: WorkingDayCalendar) {
  function decide(command: ApplicationCommand, state: ApplicationState): ApplicationEvent[] {
    const today = chinaDate(command.metadata.now);
    if (command.type === "SubmitApplication") {
      if (state.status !== "none")
        throw new StateConflict(`application ${command.data.applicationId} exists`);
      return [submit(command.data, today)];
    }
    if (state.status === "none") throw new NotFound("no such application");
    const a = state;
    const id = a.applicationId;
    switch (command.type) {
      case "CheckApplication": {
        if (a.status !== "submitted" && a.status !== "supplemented") {
          throw new StateConflict(`application ${id} is ${a.status}: nothing to check`);
        }
        checkDefects(a, command.data.defects);
        const result = assess(a.submitted, a.requirements, a.materials, command.data.defects);
        if (result.outcome === "correction") {
          return [
            {
              type: "CorrectionRequested",
              data: {
                applicationId: id,
                noticeNumber: a.notices.length + 1,
                items: result.items,
                noticeDate: today,
              },
            },
          ];
        }
        return [
          accepted(
            a,
            command.data.caseNumber,
            today,
            result.mode,
            result.mode === "deferred-materials" ? result.deferred : [],
          ),
        ];
      }
      case "SupplementMaterials": {
        if (a.status !== "correction-requested")
          throw new StateConflict(`application ${id} awaits no correction`);
        checkProvisions(a, command.data.materials, "materials");
        return [
          {
            type: "MaterialsSupplemented",
            data: { applicationId: id, materials: command.data.materials, supplementedOn: today },
          },
        ];
      }
      case "RejectApplication": {
        if (!["submitted", "correction-requested", "supplemented"].includes(a.status)) {
          throw new StateConflict(`application ${id} is ${a.status}`);
        }
        return [
          { type: "ApplicationRejected", data: { applicationId: id, ...command.data, rejectedOn: today } },
        ];
      }
      case "SupplyDeferredMaterials": {
        if (a.status !== "accepted" || a.outstanding.length === 0) {
          throw new StateConflict(`application ${id} has no 容缺 materials outstanding`);
        }
        const problems = command.data.materials.flatMap((m, i) =>
          a.outstanding.includes(m.materialId) &&
          (m.provision === "provided" || m.provision === "certificate")
            ? []
            : [
                {
                  field: `materials[${i}]`,
                  message: `${m.materialId} is not an outstanding 容缺 material supplied as a file or certificate`,
                },
              ],
        );
        if (problems.length > 0) throw new RuleViolation(problems);
        const left = a.outstanding.filter((m) => !command.data.materials.some((s) => s.materialId === m));
        return [
          {
            type: "DeferredMaterialsSupplied",
            data: {
              applicationId: id,
              materials: command.data.materials,
              suppliedOn: today,
              complete: left.length === 0,
            },
          },
        ];
      }
      case "WithdrawApplication": {
        if (!["submitted", "correction-requested", "supplemented"].includes(a.status)) {
          throw new StateConflict(
            `application ${id} is ${a.status}: it can no longer be withdrawn at intake`,
          );
        }
        return [
          {
            type: "ApplicationWithdrawn",
            data: { applicationId: id, reason: command.data.reason, withdrawnOn: today },
          },
        ];
      }
      case "DeemAccepted": {
        // 行政许可法 Art. 32: no notice within 5 working days of receipt → accepted as of the day of receipt.
        if (
          a.status !== "submitted" ||
          today <= calendar.addWorkingDays(a.submitted.receivedOn, NOTICE_DAYS)
        ) {
          return [];
        }
        return [accepted(a, command.data.caseNumber, a.submitted.receivedOn, "deemed", [])];
      }
      case "TerminateUnsupplied": {
        const by = a.accepted?.deferred?.supplyBy;
        if (a.status !== "accepted" || a.outstanding.length === 0 || !by || today <= by) return [];
        return [
          {
            type: "ApplicationTerminated",
            data: { applicationId: id, reason: "deferred-materials-not-supplied", terminatedOn: today },
          },
        ];
      }
    }
  }

  function submit(
    data: Extract<ApplicationCommand, { type: "SubmitApplication" }>["data"],
    today: string,
  ): ApplicationEvent {
    const draft = { requirements: data.requirements, submitted: data } as unknown as ActiveApplication;
    checkProvisions(draft, data.materials, "materials");
    const problems = data.materials.flatMap((m, i) =>
      m.provision === "promised" && !data.informedCommitmentRequested
        ? [
            {
              field: `materials[${i}].provision`,
              message: "a promise (告知承诺) needs informedCommitmentRequested",
            },
          ]
        : [],
    );
    if (problems.length > 0) throw new RuleViolation(problems);
    // Credit gate (domain brief §2): strict-review subjects are flagged; green-channel ones get priority.
    const flags: ("strict-review" | "green-channel")[] =
      data.credit.status === "normal" ? [] : [data.credit.status];
    return { type: "ApplicationSubmitted", data: { ...data, receivedOn: today, flags } };
  }

  function accepted(
    a: ActiveApplication,
    caseNumber: string | undefined,
    acceptedOn: string,
    mode: IntakeEventData["ApplicationAccepted"]["mode"],
    deferred: string[],
  ): ApplicationEvent {
    const { matter } = a.submitted;
    const prefix = `${matter.implementationCode}${acceptedOn.replaceAll("-", "")}`;
    // 办件编号 = 实施编码 + yyyyMMdd + 4-digit daily serial (domain brief §2).
    if (!caseNumber || !new RegExp(`^${prefix}\\d{4}$`).test(caseNumber)) {
      throw new RuleViolation([
        { field: "caseNumber", message: `a case number ${prefix}NNNN is needed to accept` },
      ]);
    }
    const dueOn = calendar.addWorkingDays(acceptedOn, matter.promisedTimeLimitDays);
    const materials = a.requirements.map(
      (r): MaterialProvision => a.materials[r.id] ?? { materialId: r.id, provision: "missing" },
    );
    return {
      type: "ApplicationAccepted",
      data: {
        applicationId: a.applicationId,
        ...(a.submitted.bundleApplicationId ? { bundleApplicationId: a.submitted.bundleApplicationId } : {}),
        caseNumber,
        mode,
        acceptedOn,
        matter,
        applicant: a.submitted.applicant,
        materials,
        // 容缺: supplied no later than the promised time limit (domain brief §2).
        ...(deferred.length > 0 ? { deferred: { materialIds: deferred, supplyBy: dueOn } } : {}),
        promisedTimeLimitDays: matter.promisedTimeLimitDays,
        dueOn,
        credit: a.submitted.credit,
        flags: a.submitted.flags,
      },
    };
  }

  return { decide, initialState: () => ({ status: "none" }) as ApplicationState, evolve: evolveApplication };
}

/** Every provision names a material the matter asks for, once; certificates only where one replaces it. */
function checkProvisions(a: ActiveApplication, materials: readonly MaterialProvision[], field: string) {
  const problems: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  materials.forEach((m, i) => {
    const req = a.requirements.find((r) => r.id === m.materialId);
    if (!req)
      problems.push({
        field: `${field}[${i}].materialId`,
        message: `the matter asks for no material ${m.materialId}`,
      });
    if (seen.has(m.materialId))
      problems.push({ field: `${field}[${i}].materialId`, message: `${m.materialId} appears twice` });
    seen.add(m.materialId);
    if (req && m.provision === "certificate" && !req.replacedByCertificate) {
      problems.push({
        field: `${field}[${i}].provision`,
        message: `no electronic certificate replaces ${req.name}`,
      });
    }
  });
  if (problems.length > 0) throw new RuleViolation(problems);
}

/**
 * 一次性告知: a defect may be named only on a material handed in; after a notice, only on what was newly
 * supplied (a later notice may not raise problems the first one should have named).
 */
function checkDefects(a: ActiveApplication, defects: readonly { materialId: string }[]) {
  const problems = defects.flatMap((d, i) => {
    const p = a.materials[d.materialId];
    if (!p || p.provision === "missing" || p.provision === "promised")
      return [{ field: `defects[${i}].materialId`, message: `${d.materialId} was not handed in` }];
    if (a.notices.length > 0 && !a.lastSupplemented.includes(d.materialId))
      return [
        {
          field: `defects[${i}].materialId`,
          message: `${d.materialId} was not newly supplied: 一次性告知 allows later notices only about new material`,
        },
      ];
    return [];
  });
  if (problems.length > 0) throw new RuleViolation(problems);
}
