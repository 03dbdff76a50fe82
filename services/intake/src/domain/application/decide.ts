import { chinaDate } from "@gov/calendar";
import type { DeferralPromise, IntakeEventData, MaterialProvision, MatterMaterial } from "@gov/contracts";
import { type Decider, NotFound, RuleViolation, StateConflict } from "@gov/eventsourcing";
import {
  type ActiveApplication,
  type ApplicationEvent,
  type ApplicationState,
  type AwaitingCheck,
  evolveApplication,
  initialApplicationState,
  type Supplemented,
} from "./application.ts";
import type {
  ApplicationCommand,
  CheckApplication,
  DeemAccepted,
  RejectApplication,
  SubmitApplication,
  SupplementMaterials,
  SupplyDeferredMaterials,
  TerminateUnsupplied,
  WithdrawApplication,
} from "./commands.ts";
import { assess, heldByGovernment, obtainedByDepartment } from "./completeness.ts";

/** 行政许可法 第三十二条: the notice to correct is due within 5 days of receipt (working days, 第八十二条). */
export const NOTICE_DAYS = 5;

/**
 * The working-day calendar the decider counts with (the one the matters service publishes as data): the date
 * on which a limit of `days` working days ends, counting from the day after `start`, and which published
 * versions of which years a span was counted with. Both throw (CalendarYearNotLoadedError) for a year that
 * has no published calendar: the command then fails with that problem, it is never counted as weekdays.
 */
export interface WorkingDays {
  addWorkingDays(start: string, days: number): string;
  versionsUsed(from: string, to: string): string;
}

/** The statuses in which no decision has been made yet (reject and withdraw are still possible). */
const undecided = ["submitted", "awaiting-result", "correction-requested", "supplemented"] as const;
type Undecided = Extract<ActiveApplication, { status: (typeof undecided)[number] }>;
const isUndecided = (a: ActiveApplication): a is Undecided =>
  (undecided as readonly string[]).includes(a.status);

/**
 * The application decider over a working-day calendar (injected, so the calendar can be swapped): which
 * events follow from a command. Pure; throws domain errors. The completeness rules are in `assess`.
 */
export function applicationDecider(
  calendar: WorkingDays,
): Decider<ApplicationCommand, ApplicationEvent, ApplicationState> {
  /** Received today, checked against the matter version recorded with it. */
  function submit(command: SubmitApplication, state: ApplicationState): ApplicationEvent[] {
    const { data } = command;
    if (state.status !== "none") throw new StateConflict(`application ${data.applicationId} exists`);
    checkProvisions(data.requirements, data.materials, "materials", data.bundleApplicationId !== undefined);
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
    // Credit gate (国发〔2016〕33号): strict-review subjects are flagged; green-channel ones get priority.
    const flags: ("strict-review" | "green-channel")[] =
      data.credit.status === "normal" ? [] : [data.credit.status];
    return [
      {
        type: "ApplicationSubmitted",
        data: {
          ...data,
          materials: withSharedMaterials(data.requirements, data.matter.department, data.materials, true),
          receivedOn: chinaDate(command.metadata.now),
          flags,
        },
      },
    ];
  }

  /** The completeness check: ONE correction notice naming everything (一次性告知), or acceptance. */
  function check(command: CheckApplication, a: ActiveApplication): ApplicationEvent[] {
    if (a.status === "awaiting-result") {
      const waits = Object.values(a.materials).flatMap((m) =>
        m.provision === "awaiting-result"
          ? [`${m.materialId} from application ${m.producedBy.applicationId} (${m.producedBy.matterId})`]
          : [],
      );
      throw new StateConflict(
        `application ${a.applicationId} awaits the result of another case of its "一件事" (${waits.join("; ")}): it is checked once that result exists`,
      );
    }
    if (a.status !== "submitted" && a.status !== "supplemented") {
      throw new StateConflict(`application ${a.applicationId} is ${a.status}: nothing to check`);
    }
    const today = chinaDate(command.metadata.now);
    checkDefects(a, command.data.defects);
    const result = assess(a.submitted, a.requirements, a.materials, command.data.defects);
    if (result.outcome === "correction") {
      return [
        {
          type: "CorrectionRequested",
          data: {
            applicationId: a.applicationId,
            noticeNumber: a.notices.length + 1,
            items: result.items,
            noticeDate: today,
          },
        },
      ];
    }
    const deferred =
      result.mode === "deferred-materials"
        ? { materialIds: result.deferred, promise: command.data.deferralPromise, now: command.metadata.now }
        : undefined;
    return [accepted(a, command.data.caseNumber, today, result.mode, deferred)];
  }

  function supplement(command: SupplementMaterials, a: ActiveApplication): ApplicationEvent[] {
    if (a.status !== "correction-requested")
      throw new StateConflict(`application ${a.applicationId} awaits no correction`);
    checkProvisions(a.requirements, command.data.materials, "materials", false);
    return [
      {
        type: "MaterialsSupplemented",
        data: {
          applicationId: a.applicationId,
          materials: withSharedMaterials(
            a.requirements,
            a.submitted.matter.department,
            command.data.materials,
            false,
          ),
          supplementedOn: chinaDate(command.metadata.now),
        },
      },
    ];
  }

  /** 不予受理 (行政许可法 第三十二条), with reason and legal basis, only before a decision. */
  function reject(command: RejectApplication, a: ActiveApplication): ApplicationEvent[] {
    if (!isUndecided(a)) throw new StateConflict(`application ${a.applicationId} is ${a.status}`);
    return [
      {
        type: "ApplicationRejected",
        data: {
          applicationId: a.applicationId,
          ...command.data,
          rejectedOn: chinaDate(command.metadata.now),
        },
      },
    ];
  }

  function supplyDeferred(command: SupplyDeferredMaterials, a: ActiveApplication): ApplicationEvent[] {
    if (a.status !== "accepted" || a.outstanding.length === 0) {
      throw new StateConflict(`application ${a.applicationId} has no 容缺 materials outstanding`);
    }
    const problems = command.data.materials.flatMap((m, i) =>
      a.outstanding.includes(m.materialId) && (m.provision === "provided" || m.provision === "certificate")
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
          applicationId: a.applicationId,
          materials: command.data.materials,
          suppliedOn: chinaDate(command.metadata.now),
          complete: left.length === 0,
        },
      },
    ];
  }

  function withdraw(command: WithdrawApplication, a: ActiveApplication): ApplicationEvent[] {
    if (!isUndecided(a)) {
      throw new StateConflict(
        `application ${a.applicationId} is ${a.status}: it can no longer be withdrawn at intake`,
      );
    }
    return [
      {
        type: "ApplicationWithdrawn",
        data: {
          applicationId: a.applicationId,
          reason: command.data.reason,
          withdrawnOn: chinaDate(command.metadata.now),
        },
      },
    ];
  }

  /**
   * 行政许可法 第三十二条: no notice within 5 working days of receipt → accepted as of the day of receipt.
   * Nothing happens before then, or once a notice was given (scheduled, so a repeat is harmless).
   */
  function deemAccepted(command: DeemAccepted, a: ActiveApplication): ApplicationEvent[] {
    const today = chinaDate(command.metadata.now);
    if (a.status !== "submitted" || today <= calendar.addWorkingDays(a.submitted.receivedOn, NOTICE_DAYS)) {
      return [];
    }
    return [accepted(a, command.data.caseNumber, a.submitted.receivedOn, "deemed", undefined)];
  }

  /** 容缺 materials not supplied by their deadline → the case ends the day after (scheduled; once). */
  function terminateUnsupplied(command: TerminateUnsupplied, a: ActiveApplication): ApplicationEvent[] {
    const today = chinaDate(command.metadata.now);
    if (a.status !== "accepted" || a.outstanding.length === 0) return [];
    const by = a.accepted.deferred?.supplyBy;
    if (!by || today <= by) return [];
    return [
      {
        type: "ApplicationTerminated",
        data: {
          applicationId: a.applicationId,
          reason: "deferred-materials-not-supplied",
          terminatedOn: today,
        },
      },
    ];
  }

  function accepted(
    a: AwaitingCheck | Supplemented,
    caseNumber: string | undefined,
    acceptedOn: string,
    mode: IntakeEventData["ApplicationAccepted"]["mode"],
    deferred: { materialIds: string[]; promise: DeferralPromise | undefined; now: string } | undefined,
  ): ApplicationEvent {
    const { matter } = a.submitted;
    // Working days exclude statutory holidays (行政许可法 第八十二条), counted from the day after acceptance.
    const dueOn = calendar.addWorkingDays(acceptedOn, matter.promisedTimeLimitDays);
    // 容缺受理 only on the applicant's signed promise (checked before a case number is asked for).
    const promise = deferred ? checkPromise(deferred, acceptedOn, dueOn) : undefined;
    const prefix = `${matter.implementationCode}${acceptedOn.replaceAll("-", "")}`;
    // 办件编号 = 实施编码 + yyyyMMdd + 4-digit daily serial.
    if (!caseNumber || !new RegExp(`^${prefix}\\d{4}$`).test(caseNumber)) {
      throw new RuleViolation([
        { field: "caseNumber", message: `a case number ${prefix}NNNN is needed to accept` },
      ]);
    }
    const calendarVersion = calendar.versionsUsed(acceptedOn, dueOn);
    const materials = a.requirements.map(
      (r): MaterialProvision =>
        a.materials[r.id] ??
        (heldByGovernment(r) && r.necessity !== "optional"
          ? obtainedByDepartment(r, matter.department)
          : { materialId: r.id, provision: "missing" }),
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
        // 容缺: supplied by the promised date, no later than the end of the promised time limit.
        ...(deferred && promise
          ? { deferred: { materialIds: deferred.materialIds, supplyBy: promise.supplyBy, promise } }
          : {}),
        promisedTimeLimitDays: matter.promisedTimeLimitDays,
        dueOn,
        calendarVersion,
        credit: a.submitted.credit,
        flags: a.submitted.flags,
      },
    };
  }

  function decide(command: ApplicationCommand, state: ApplicationState): ApplicationEvent[] {
    if (command.type === "SubmitApplication") return submit(command, state);
    if (state.status === "none") throw new NotFound("no such application");
    switch (command.type) {
      case "CheckApplication":
        return check(command, state);
      case "SupplementMaterials":
        return supplement(command, state);
      case "RejectApplication":
        return reject(command, state);
      case "SupplyDeferredMaterials":
        return supplyDeferred(command, state);
      case "WithdrawApplication":
        return withdraw(command, state);
      case "DeemAccepted":
        return deemAccepted(command, state);
      case "TerminateUnsupplied":
        return terminateUnsupplied(command, state);
      default: {
        const unknown: never = command;
        throw new Error(`unknown command ${JSON.stringify(unknown)}`);
      }
    }
  }

  return { decide, initialState: initialApplicationState, evolve: evolveApplication };
}

/**
 * Every provision names a material the matter asks for, once; certificates only where one replaces it; nothing
 * promised for a material the department obtains itself; the provisions only intake records (obtained by the
 * department; awaiting another "一件事" member's result) never come from outside, except an awaited result in a
 * bundle's case.
 */
function checkProvisions(
  requirements: ActiveApplication["requirements"],
  materials: readonly MaterialProvision[],
  field: string,
  inBundle: boolean,
) {
  const problems: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  materials.forEach((m, i) => {
    const req = requirements.find((r) => r.id === m.materialId);
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
    if (req && m.provision === "promised" && heldByGovernment(req)) {
      problems.push({
        field: `${field}[${i}].provision`,
        message: `the department obtains ${req.name} itself (国发〔2022〕5号): there is nothing to promise`,
      });
    }
    if (m.provision === "obtained-by-department" || (m.provision === "awaiting-result" && !inBundle)) {
      problems.push({
        field: `${field}[${i}].provision`,
        message: `${m.provision} is recorded by intake, not handed in`,
      });
    }
  });
  if (problems.length > 0) throw new RuleViolation(problems);
}

/**
 * 一次性告知 (行政许可法 第三十二条): a defect may be named only on a material handed in; after a notice, only
 * on what was newly supplied (a later notice may not raise problems the first one should have named).
 */
function checkDefects(a: AwaitingCheck | Supplemented, defects: readonly { materialId: string }[]) {
  const problems = defects.flatMap((d, i) => {
    const req = a.requirements.find((r) => r.id === d.materialId);
    if (req && heldByGovernment(req))
      return [
        {
          field: `defects[${i}].materialId`,
          message: `the department obtains ${req.name} itself (国发〔2022〕5号): it is never named in a correction notice`,
        },
      ];
    const p = a.materials[d.materialId];
    if (!p || p.provision === "missing" || p.provision === "promised")
      return [{ field: `defects[${i}].materialId`, message: `${d.materialId} was not handed in` }];
    if (a.status === "supplemented" && !a.lastSupplemented.includes(d.materialId))
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

/**
 * 国发〔2022〕5号 (政府部门核发的材料一律免于提交): a government-held material the applicant did not hand over is
 * recorded as obtained by the implementing department (部门间共享). On submission (`addAbsent`) every such
 * material the matter needs is recorded, including those the applicant left out; a supplement only converts
 * what it names as missing.
 */
function withSharedMaterials(
  requirements: readonly MatterMaterial[],
  department: IntakeEventData["ApplicationSubmitted"]["matter"]["department"],
  given: readonly MaterialProvision[],
  addAbsent: boolean,
): MaterialProvision[] {
  const shared = (r: MatterMaterial | undefined): r is MatterMaterial =>
    r !== undefined && heldByGovernment(r) && r.necessity !== "optional";
  const converted = given.map((m) => {
    const req = requirements.find((r) => r.id === m.materialId);
    return m.provision === "missing" && shared(req) ? obtainedByDepartment(req, department) : m;
  });
  if (!addAbsent) return converted;
  const absent = requirements
    .filter((r) => shared(r) && !given.some((m) => m.materialId === r.id))
    .map((r) => obtainedByDepartment(r, department));
  return [...converted, ...absent];
}

/**
 * 容缺受理 needs the applicant's written promise (承诺书) to supply exactly the missing materials by a date no
 * later than the end of the promised time limit, signed before the decision (国发〔2022〕5号 容缺受理;
 * 西安市行政审批服务局《容缺受理服务模式解释说明》: 作出书面承诺补齐补正相关申请材料). Fields are named relative to
 * the check's body.
 */
function checkPromise(
  deferred: { materialIds: string[]; promise: DeferralPromise | undefined; now: string },
  acceptedOn: string,
  dueOn: string,
): DeferralPromise {
  const { promise } = deferred;
  if (!promise) {
    throw new RuleViolation([
      {
        field: "deferralPromise",
        message: `容缺受理 of ${deferred.materialIds.join(", ")} needs the applicant's signed promise (承诺书)`,
      },
    ]);
  }
  const problems: { field: string; message: string }[] = [];
  const promised = [...promise.materialIds].sort();
  const missing = [...deferred.materialIds].sort();
  if (promised.join("\u0000") !== missing.join("\u0000")) {
    problems.push({
      field: "deferralPromise.materialIds",
      message: `the promise must name exactly the missing materials: ${missing.join(", ")}`,
    });
  }
  if (promise.supplyBy < acceptedOn || promise.supplyBy > dueOn) {
    problems.push({
      field: "deferralPromise.supplyBy",
      message: `between ${acceptedOn} and the end of the promised time limit, ${dueOn}`,
    });
  }
  if (Date.parse(promise.signature.signedAt) > Date.parse(deferred.now)) {
    problems.push({ field: "deferralPromise.signature.signedAt", message: "signed in the future" });
  }
  if (problems.length > 0) throw new RuleViolation(problems);
  return promise;
}
