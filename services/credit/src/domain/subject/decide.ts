import { chinaDate } from "@gov/calendar";
import { type Decider, NotFound, RuleViolation, StateConflict } from "@gov/eventsourcing";
import { addDays, addMonths } from "../dates.ts";
import { type MeasuresList, statusOf } from "../measures.ts";
import { personalDataProblems } from "../personal-data.ts";
import type {
  DecideAbnormalOperationRemoval,
  DecideObjection,
  DecideRepair,
  EraseIdentity,
  ExpireListing,
  FileObjection,
  MoveToSeriousIllegalDishonestyList,
  ProposeListing,
  RegisterSubject,
  RequestAbnormalOperationRemoval,
  RequestErasure,
  RequestRepair,
  SealedText,
  SubjectCommand,
  TakeEffect,
  WithdrawListing,
} from "./commands.ts";
import {
  effectiveListings,
  evolveSubject,
  initialSubjectState,
  type Listing,
  type RegisteredSubject,
  type SubjectEvent,
  type SubjectState,
  seriousListDate,
} from "./subject.ts";

const PUNITIVE = new Set(["black", "abnormal-operation"]);
const PENDING_OR_IN_FORCE = ["notified", "objected", "effective"];

/** What every decision reads besides the command and the state: the measures list and the business date. */
interface Rules {
  measures: MeasuresList;
  /** The business date in China of the command (`chinaDate` of its `now`). */
  today: string;
}

/**
 * The subject decider under one measures list: which events follow from a command. Pure; throws domain
 * errors. Every decision that changes which entries are effective also emits the subject's new status
 * (CreditStatusChanged) when it differs, so that other services never compute it themselves.
 */
export function subjectDecider(measures: MeasuresList): Decider<SubjectCommand, SubjectEvent, SubjectState> {
  return {
    initialState: initialSubjectState,
    evolve: evolveSubject,
    decide: (command, state) => decideSubject(command, state, measures),
  };
}

/** Dispatches a command to its decision. */
export function decideSubject(
  command: SubjectCommand,
  state: SubjectState,
  measures: MeasuresList,
): SubjectEvent[] {
  const rules: Rules = { measures, today: chinaDate(command.metadata.now) };
  switch (command.type) {
    case "RegisterSubject":
      return registerSubject(command, state);
    case "ProposeListing":
      return proposeListing(command, registered(state), rules);
    case "FileObjection":
      return fileObjection(command, registered(state), rules);
    case "DecideObjection":
      return decideObjection(command, registered(state), rules);
    case "TakeEffect":
      return takeEffect(command, registered(state), rules);
    case "RequestRepair":
      return requestRepair(command, registered(state), rules);
    case "DecideRepair":
      return decideRepair(command, registered(state), rules);
    case "WithdrawListing":
      return withdrawListing(command, registered(state), rules);
    case "ExpireListing":
      return expireListing(command, registered(state), rules);
    case "RequestAbnormalOperationRemoval":
      return requestAbnormalOperationRemoval(command, registered(state), rules);
    case "DecideAbnormalOperationRemoval":
      return decideAbnormalOperationRemoval(command, registered(state), rules);
    case "MoveToSeriousIllegalDishonestyList":
      return moveToSeriousIllegalDishonestyList(command, registered(state), rules);
    case "RequestErasure":
      return requestErasure(command, registered(state), rules);
    case "EraseIdentity":
      return eraseIdentity(command, registered(state), rules);
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

/** Registering again changes nothing. */
export function registerSubject(command: RegisterSubject, state: SubjectState): SubjectEvent[] {
  if (state.status === "registered") return [];
  return [{ type: "SubjectRegistered", data: command.data }];
}

/**
 * A new entry. Punitive entries (black list, 经营异常名录) are told to the subject first, with a window to
 * object, and take effect only after it (国务院办公厅关于进一步完善失信约束制度构建诚信建设长效机制的指导意见
 * 国办发〔2020〕49号: 告知 before listing; 市场监督管理严重违法失信名单管理办法 国家市场监督管理总局令第44号).
 * Their disclosure periods come from the measures list (信用修复管理办法). A red-list entry (守信激励) takes
 * effect at once.
 */
export function proposeListing(
  command: ProposeListing,
  s: RegisteredSubject,
  { measures, today }: Rules,
): SubjectEvent[] {
  const input = command.data;
  const problems = personalDataProblems({ legalBasis: input.legalBasis, reason: input.reason });
  if (s.listings[input.listingId]) throw new StateConflict(`entry ${input.listingId} already exists`);
  const punitive = PUNITIVE.has(input.list);
  if (input.list === "black" && !input.severity)
    problems.push({ field: "severity", message: "a black-list entry needs a severity (轻微/一般/严重)" });
  if (input.list === "red" && input.severity)
    problems.push({ field: "severity", message: "a red-list entry has no severity" });
  // 经营异常名录: market entities only, on exactly one of its four grounds (企业经营异常名录管理暂行办法
  // 国家工商行政管理总局令第68号 第四条). It is not penalty information: no severity, no disclosure period.
  if (input.list === "abnormal-operation") {
    if (s.kind !== "organisation")
      problems.push({ field: "list", message: "经营异常名录 lists organisations only" });
    if (!input.ground)
      problems.push({ field: "ground", message: "经营异常名录 needs one of its four grounds" });
    if (input.severity)
      problems.push({
        field: "severity",
        message:
          "a 经营异常名录 entry has no severity: it is not penalty information and lasts until removed (移出)",
      });
    if (input.validUntil)
      problems.push({
        field: "validUntil",
        message: "a 经营异常名录 entry has no end date: it lasts until removed (移出)",
      });
  } else if (input.ground) {
    problems.push({ field: "ground", message: "a ground applies to 经营异常名录 only" });
  }
  if (!punitive && input.validUntil && input.validUntil <= (input.startDate ?? today))
    problems.push({ field: "validUntil", message: "must be after the start date" });
  if (input.list === "black" && input.validUntil)
    problems.push({ field: "validUntil", message: "punitive entries end by the measures list's periods" });
  // Red list (守信激励): only without a bad record in force or pending.
  if (!punitive) {
    const bad = Object.values(s.listings).find(
      (l) => PUNITIVE.has(l.list) && PENDING_OR_IN_FORCE.includes(l.stage),
    );
    if (bad)
      problems.push({
        field: "list",
        message: `the subject has a black-list or 经营异常 entry (${bad.listingId})`,
      });
  }
  if (problems.length > 0) throw new RuleViolation(problems);

  const startDate = input.startDate ?? today;
  const base = {
    subjectId: s.subjectId,
    listingId: input.listingId,
    list: input.list,
    issuingDepartment: input.issuingDepartment,
    legalBasis: input.legalBasis,
    reason: input.reason,
    startDate,
    source: input.source,
    measuresVersion: measures.version,
    ...sealed(input),
  };
  const notice: SubjectEvent = {
    type: "NoticeIssued",
    data: {
      subjectId: s.subjectId,
      listingId: input.listingId,
      noticeDate: today,
      objectionDeadline: addDays(today, measures.objectionDays),
    },
  };
  if (input.list === "abnormal-operation" && input.ground) {
    // Listed until removed; still listed after the measures list's period → 严重违法失信名单
    // (市场监督管理严重违法失信名单管理办法 国家市场监督管理总局令第44号).
    const { list: _list, ...rest } = base;
    const seriousListOn = addMonths(startDate, measures.abnormalOperation.seriousListAfterMonths);
    const proposed: SubjectEvent = {
      type: "AbnormalOperationListingProposed",
      data: { ...rest, ground: input.ground, seriousListOn },
    };
    return withStatus(s, [proposed, notice], measures, today);
  }
  // After the checks above, an entry without a severity is a red-list entry.
  if (!input.severity) {
    const events: SubjectEvent[] = [
      {
        type: "ListingProposed",
        data: {
          ...base,
          maxDisclosureUntil: input.validUntil ?? addMonths(startDate, measures.redListMonths),
        },
      },
      {
        type: "ListingTookEffect",
        data: { subjectId: s.subjectId, listingId: input.listingId, effectiveFrom: today },
      },
    ];
    return withStatus(s, events, measures, today);
  }
  const period = measures.periods[input.severity];
  const events: SubjectEvent[] = [
    {
      type: "ListingProposed",
      data: {
        ...base,
        severity: input.severity,
        minDisclosureUntil: addMonths(startDate, period.minMonths),
        maxDisclosureUntil: addMonths(startDate, period.maxMonths),
      },
    },
    notice,
  ];
  return withStatus(s, events, measures, today);
}

/** The subject objects to a notified entry, within the objection window. */
export function fileObjection(
  command: FileObjection,
  s: RegisteredSubject,
  { today }: Rules,
): SubjectEvent[] {
  clearTextOnly({ grounds: command.data.grounds });
  const l = listing(s, command.data.listingId);
  if (l.stage !== "notified" || !l.objectionDeadline) {
    throw new StateConflict(
      `entry ${l.listingId} is ${l.stage}: objections are taken before it takes effect`,
    );
  }
  if (today > l.objectionDeadline) {
    throw new StateConflict(`the objection window of entry ${l.listingId} closed on ${l.objectionDeadline}`);
  }
  return [
    {
      type: "ObjectionFiled",
      data: {
        subjectId: s.subjectId,
        listingId: l.listingId,
        grounds: command.data.grounds,
        filedOn: today,
        ...sealed(command.data),
      },
    },
  ];
}

/**
 * An upheld objection withdraws the entry. A dismissed one lets it take effect now if the window has passed,
 * else when it does.
 */
export function decideObjection(
  command: DecideObjection,
  s: RegisteredSubject,
  { measures, today }: Rules,
): SubjectEvent[] {
  clearTextOnly({ reasons: command.data.reasons });
  const l = listing(s, command.data.listingId);
  if (l.stage !== "objected") throw new StateConflict(`entry ${l.listingId} has no objection to decide`);
  const subjectId = s.subjectId;
  const decision = {
    subjectId,
    listingId: l.listingId,
    reasons: command.data.reasons,
    decidedOn: today,
    ...sealed(command.data),
  };
  if (command.data.upheld) {
    return [
      { type: "ObjectionUpheld", data: decision },
      {
        type: "ListingWithdrawn",
        data: { subjectId, listingId: l.listingId, reason: "objection upheld", withdrawnOn: today },
      },
    ];
  }
  const events: SubjectEvent[] = [{ type: "ObjectionDismissed", data: decision }];
  if (l.objectionDeadline && today > l.objectionDeadline) {
    events.push({
      type: "ListingTookEffect",
      data: { subjectId, listingId: l.listingId, effectiveFrom: today },
    });
  }
  return withStatus(s, events, measures, today);
}

/** Scheduled and idempotent: nothing unless still notified and the objection window has closed. */
export function takeEffect(
  command: TakeEffect,
  s: RegisteredSubject,
  { measures, today }: Rules,
): SubjectEvent[] {
  const l = listing(s, command.data.listingId);
  if (l.stage !== "notified" || !l.objectionDeadline || today <= l.objectionDeadline) return [];
  return withStatus(
    s,
    [
      {
        type: "ListingTookEffect",
        data: { subjectId: s.subjectId, listingId: l.listingId, effectiveFrom: today },
      },
    ],
    measures,
    today,
  );
}

/**
 * 信用修复 (信用修复管理办法): only of an effective punitive entry, once its minimum disclosure period has
 * passed, with the duties performed and a public credit promise (信用承诺).
 */
export function requestRepair(
  command: RequestRepair,
  s: RegisteredSubject,
  { today }: Rules,
): SubjectEvent[] {
  const l = listing(s, command.data.listingId);
  const problems = personalDataProblems({ dutiesPerformed: command.data.dutiesPerformed });
  if (!command.data.creditPromise)
    problems.push({
      field: "creditPromise",
      message: "a credit repair needs a signed credit promise (信用承诺)",
    });
  if (command.data.dutiesPerformed.length === 0)
    problems.push({ field: "dutiesPerformed", message: "say which duties were performed" });
  if (problems.length > 0) throw new RuleViolation(problems);
  if (l.list === "abnormal-operation") {
    throw new StateConflict(
      `entry ${l.listingId} is on the 经营异常名录: it ends by removal (移出) after rectification, not by credit repair`,
    );
  }
  if (l.list !== "black" || l.stage !== "effective") {
    throw new StateConflict(`entry ${l.listingId} is not an effective black-list entry`);
  }
  if (l.repairPending) throw new StateConflict(`entry ${l.listingId} already has a repair request pending`);
  if (l.minDisclosureUntil && today < l.minDisclosureUntil) {
    throw new StateConflict(
      `entry ${l.listingId} can be repaired from ${l.minDisclosureUntil} (the minimum disclosure period)`,
    );
  }
  return [
    {
      type: "RepairRequested",
      data: {
        subjectId: s.subjectId,
        listingId: l.listingId,
        dutiesPerformed: command.data.dutiesPerformed,
        creditPromise: true,
        requestedOn: today,
        ...sealed(command.data),
      },
    },
  ];
}

/** An approved repair ends the entry; a refused one keeps it (a new request may follow). */
export function decideRepair(
  command: DecideRepair,
  s: RegisteredSubject,
  { measures, today }: Rules,
): SubjectEvent[] {
  clearTextOnly({ reasons: command.data.reasons });
  const l = listing(s, command.data.listingId);
  if (!l.repairPending) throw new StateConflict(`entry ${l.listingId} has no repair request to decide`);
  const decision = {
    subjectId: s.subjectId,
    listingId: l.listingId,
    reasons: command.data.reasons,
    decidedOn: today,
    ...sealed(command.data),
  };
  if (!command.data.approved) return [{ type: "RepairRefused", data: decision }];
  return withStatus(s, [{ type: "RepairApproved", data: decision }], measures, today);
}

/** A correction by the issuing side: ends an entry that has not ended yet. */
export function withdrawListing(
  command: WithdrawListing,
  s: RegisteredSubject,
  { measures, today }: Rules,
): SubjectEvent[] {
  clearTextOnly({ reason: command.data.reason });
  const l = listing(s, command.data.listingId);
  if (!PENDING_OR_IN_FORCE.includes(l.stage)) {
    throw new StateConflict(`entry ${l.listingId} has already ended (${l.stage})`);
  }
  return withStatus(
    s,
    [
      {
        type: "ListingWithdrawn",
        data: {
          subjectId: s.subjectId,
          listingId: l.listingId,
          reason: command.data.reason,
          withdrawnOn: today,
          ...sealed(command.data),
        },
      },
    ],
    measures,
    today,
  );
}

/**
 * At the maximum disclosure period an entry stops being disclosed automatically (信用修复管理办法).
 * Scheduled and idempotent. A 经营异常名录 entry is not penalty information and never expires, even one recorded
 * with a period before it had its own event (企业经营异常名录管理暂行办法 国家工商行政管理总局令第68号).
 */
export function expireListing(
  command: ExpireListing,
  s: RegisteredSubject,
  { measures, today }: Rules,
): SubjectEvent[] {
  const l = listing(s, command.data.listingId);
  if (l.list === "abnormal-operation") return [];
  if (l.stage !== "effective" || !l.maxDisclosureUntil || today < l.maxDisclosureUntil) return [];
  return withStatus(
    s,
    [{ type: "ListingExpired", data: { subjectId: s.subjectId, listingId: l.listingId, expiredOn: today } }],
    measures,
    today,
  );
}

/**
 * 移出经营异常名录 (企业经营异常名录管理暂行办法 国家工商行政管理总局令第68号): the listed company, having rectified
 * what it was listed for (filed the annual report, published or corrected the information, can be reached
 * again), applies for removal. Only of a listed (effective) entry, one application at a time.
 */
export function requestAbnormalOperationRemoval(
  command: RequestAbnormalOperationRemoval,
  s: RegisteredSubject,
  { today }: Rules,
): SubjectEvent[] {
  const l = listing(s, command.data.listingId);
  clearTextOnly({ rectification: command.data.rectification });
  const rectification = command.data.rectification.map((r) => r.trim()).filter((r) => r.length > 0);
  if (rectification.length === 0)
    throw new RuleViolation([{ field: "rectification", message: "say what was rectified" }]);
  if (l.list !== "abnormal-operation")
    throw new StateConflict(`entry ${l.listingId} is not on the 经营异常名录`);
  if (l.stage !== "effective") throw new StateConflict(`entry ${l.listingId} is not listed (${l.stage})`);
  if (l.removal?.status === "requested")
    throw new StateConflict(`entry ${l.listingId} already has a removal application pending`);
  return [
    {
      type: "AbnormalOperationRemovalRequested",
      data: { subjectId: s.subjectId, listingId: l.listingId, rectification, requestedOn: today },
    },
  ];
}

/**
 * The removal decision of a credit administrator: approved, the entry is removed (移出) from the decision's
 * date and the status follows; refused, it stays listed with the reasons recorded.
 */
export function decideAbnormalOperationRemoval(
  command: DecideAbnormalOperationRemoval,
  s: RegisteredSubject,
  { measures, today }: Rules,
): SubjectEvent[] {
  clearTextOnly({ reasons: command.data.reasons });
  const l = listing(s, command.data.listingId);
  if (l.stage !== "effective" || l.removal?.status !== "requested")
    throw new StateConflict(`entry ${l.listingId} has no removal application to decide`);
  const decision = {
    subjectId: s.subjectId,
    listingId: l.listingId,
    reasons: command.data.reasons,
    decidedOn: today,
  };
  if (!command.data.approved) return [{ type: "AbnormalOperationRemovalRefused", data: decision }];
  return withStatus(s, [{ type: "AbnormalOperationRemoved", data: decision }], measures, today);
}

/**
 * 列入经营异常名录届满三年仍未履行相关义务的 → 严重违法失信名单 (市场监督管理严重违法失信名单管理办法
 * 国家市场监督管理总局令第44号; the period is the measures list's). Scheduled and idempotent: nothing unless the
 * entry is still listed on its date, and nothing while a removal application waits for its decision (the
 * company says it has performed its duties; a refusal lets the next run move it).
 */
export function moveToSeriousIllegalDishonestyList(
  command: MoveToSeriousIllegalDishonestyList,
  s: RegisteredSubject,
  { measures, today }: Rules,
): SubjectEvent[] {
  const l = listing(s, command.data.listingId);
  const rule = measures.abnormalOperation;
  if (l.list !== "abnormal-operation" || l.stage !== "effective") return [];
  if (l.removal?.status === "requested") return [];
  if (today < seriousListDate(l, rule.seriousListAfterMonths)) return [];
  const seriousListingId = seriousListingIdOf(l.listingId);
  if (s.listings[seriousListingId])
    throw new StateConflict(`entry ${seriousListingId} already exists: cannot move ${l.listingId} there`);
  const period = measures.periods[rule.seriousList.severity];
  const months = rule.seriousListAfterMonths;
  const span = months % 12 === 0 ? `${months / 12}年` : `${months}个月`;
  return withStatus(
    s,
    [
      {
        type: "MovedToSeriousIllegalDishonestyList",
        data: {
          subjectId: s.subjectId,
          listingId: l.listingId,
          seriousListingId,
          list: rule.seriousList.list,
          severity: rule.seriousList.severity,
          issuingDepartment: l.issuingDepartment,
          legalBasis: rule.basis,
          reason: `自${l.startDate}列入经营异常名录（${l.ground ?? "经营异常"}），届满${span}仍未履行相关义务`,
          movedOn: today,
          minDisclosureUntil: addMonths(today, period.minMonths),
          maxDisclosureUntil: addMonths(today, period.maxMonths),
          measuresVersion: measures.version,
        },
      },
    ],
    measures,
    today,
  );
}

/**
 * The id of the 严重违法失信名单 entry a 经营异常名录 entry moves to: its id and `-SIL`, shortened with a
 * checksum of the whole id when that would pass the 64 characters an entry id may have.
 */
export function seriousListingIdOf(listingId: string): string {
  const id = `${listingId}-SIL`;
  if (id.length <= 64) return id;
  let hash = 0x811c9dc5;
  for (const ch of listingId) hash = Math.imul(hash ^ (ch.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  return `${listingId.slice(0, 51)}-SIL-${hash.toString(16).padStart(8, "0")}`;
}

/**
 * 个人信息删除 (个人信息保护法 第四十七条), first step, for persons only: the request is recorded before anything is
 * destroyed. Nothing new when the identity is already erased or an erasure is already under way (a retry goes on
 * with the one recorded).
 */
export function requestErasure(
  command: RequestErasure,
  s: RegisteredSubject,
  { today }: Rules,
): SubjectEvent[] {
  clearTextOnly({ request: command.data.request });
  if (s.kind !== "person") throw new StateConflict("only a person's identity can be erased");
  if (s.erased || s.erasureRequested) return [];
  return [
    {
      type: "ErasureRequested",
      data: { subjectId: s.subjectId, requestedOn: today, request: command.data.request },
    },
  ];
}

/**
 * 个人信息删除, last step: once the subject's key is destroyed, the erasure of the request under way is recorded,
 * once. Without a recorded request there is nothing to confirm (409): the history always shows the request first.
 */
export function eraseIdentity(
  _command: EraseIdentity,
  s: RegisteredSubject,
  { today }: Rules,
): SubjectEvent[] {
  if (s.kind !== "person") throw new StateConflict("only a person's identity can be erased");
  if (s.erased) return [];
  if (!s.erasureRequested) throw new StateConflict("no erasure request is under way for this subject");
  return [
    {
      type: "IdentityErased",
      data: { subjectId: s.subjectId, erasedOn: today, request: s.erasureRequested.request },
    },
  ];
}

function registered(state: SubjectState): RegisteredSubject {
  if (state.status !== "registered") throw new NotFound("no such subject");
  return state;
}

function listing(s: RegisteredSubject, listingId: string): Listing {
  const l = s.listings[listingId];
  if (!l) throw new NotFound(`subject has no entry ${listingId}`);
  return l;
}

/** Appends CreditStatusChanged when `events` change the subject's computed status. */
function withStatus(
  s: RegisteredSubject,
  events: SubjectEvent[],
  measures: MeasuresList,
  today: string,
): SubjectEvent[] {
  const after = events.reduce<SubjectState>(evolveSubject, s);
  if (after.status !== "registered") return events;
  const next = statusOf(measures, effectiveListings(after));
  const before = statusOf(measures, effectiveListings(s));
  const key = (x: typeof next) =>
    `${x.status}|${x.causes
      .map((c) => c.listingId)
      .sort()
      .join(",")}`;
  if (key(next) === key(before) && next.status === s.creditStatus) return events;
  return [
    ...events,
    {
      type: "CreditStatusChanged",
      data: {
        subject: {
          subjectId: s.subjectId,
          kind: s.kind,
          ...(s.creditCode ? { creditCode: s.creditCode } : {}),
        },
        status: next.status,
        measures: measures.measures[next.status],
        measuresVersion: measures.version,
        causes: next.causes.map((c) => ({
          listingId: c.listingId,
          list: c.list,
          ...(c.severity ? { severity: c.severity } : {}),
        })),
        asOf: today,
      },
    },
  ];
}

/**
 * Free text kept in the clear — an organisation's, a law cited, an erasure request's reference — must not carry a
 * 居民身份证号 or a mobile number: the log keeps it for ever and no erasure reaches it (个人信息保护法 第四十七条).
 * A person's free text arrives sealed (`SEALED_TEXT`) and passes.
 */
function clearTextOnly(texts: Record<string, string | readonly string[] | undefined>): void {
  const problems = personalDataProblems(texts);
  if (problems.length > 0) throw new RuleViolation(problems);
}

/** The sealed free text of a person's command, carried into its event. */
const sealed = (data: { sealedText?: SealedText }) =>
  data.sealedText ? { sealedText: data.sealedText } : {};
