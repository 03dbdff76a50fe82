import { z } from "zod";
import { creditCodeShape, departmentRef, isoDate } from "../codes.ts";
import { subjectId, subjectKind, subjectRef } from "../subjects.ts";

/**
 * The credit service's events (信用, 红黑名单; docs/sources.md lists the rules). All are on the subject's stream, so that a
 * subject's status always follows from its own history. No personal data in the clear: a person's 身份证号 and
 * name travel only encrypted with a key kept outside the event store (erasable), see `protectedIdentity`.
 */

/** 红名单 (守信激励) / 黑名单 (严重失信主体名单) / 经营异常名录. */
export const creditList = z.enum(["red", "black", "abnormal-operation"]);
export type CreditList = z.infer<typeof creditList>;

/** 轻微 / 一般 / 严重. */
export const severity = z.enum(["minor", "general", "serious"]);
export type Severity = z.infer<typeof severity>;

/**
 * The four grounds of 经营异常名录 (企业经营异常名录管理暂行办法 第四条): annual report not filed by 30 June, information not
 * published when ordered, false information, unreachable at the registered address.
 */
export const abnormalOperationGround = z.enum([
  "annual-report-not-filed",
  "information-not-published",
  "false-information",
  "unreachable-at-address",
]);

export const listingId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1–64 letters, digits, '_' or '-'");

/** AES-256-GCM ciphertext of `{ idNumber, name }` under the subject's own key (base64 fields). */
export const protectedIdentity = z.object({
  alg: z.literal("A256GCM"),
  keyId: z.string().min(1).max(80),
  iv: z.string().min(1),
  ciphertext: z.string().min(1),
  tag: z.string().min(1),
});

/**
 * Free text about a natural person (an entry's reason, objection grounds, decision reasons, the duties performed
 * for a repair), encrypted like `identity` under the person's own key, so that erasing the key erases it too
 * (个人信息保护法 第四十七条). The ciphertext of a JSON object of the event's free-text fields; those fields then
 * hold `SEALED_TEXT`. Absent for organisations, whose free text stays in the clear.
 */
export const sealedText = protectedIdentity;
/** What a sealed free-text field holds in the clear. */
export const SEALED_TEXT = "(sealed)";

export const subjectRegistered = z.object({
  subjectId,
  kind: subjectKind,
  /** Organisations only: the code and name in the clear (not personal data). */
  organisation: z
    .object({
      creditCode: creditCodeShape,
      name: z.string().min(1).max(200),
      /** False for an early code that fails the GB 32100 check: accepted, flagged (GB 32100-2015). */
      checksumOk: z.boolean(),
    })
    .optional(),
  /** Persons only: 身份证号 and name, encrypted. */
  identity: protectedIdentity.optional(),
});

const listingSource = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("manual") }),
  /** A reaction to another service's event (violation, false promise, 吊销). */
  z.object({ kind: z.literal("event"), eventId: z.string().min(1), eventType: z.string().min(1) }),
]);

/**
 * A red- or black-list entry. (A 经营异常名录 entry is `AbnormalOperationListingProposed`; entries on that list
 * recorded here before it existed keep folding as they were, but never expire.)
 */
export const listingProposed = z.object({
  subjectId,
  listingId,
  list: creditList,
  /** Black list: sets the disclosure periods. Absent on the red list. */
  severity: severity.optional(),
  /** 经营异常名录 only (entries recorded before `AbnormalOperationListingProposed`). */
  ground: abnormalOperationGround.optional(),
  issuingDepartment: departmentRef,
  legalBasis: z.string().min(1).max(300),
  reason: z.string().min(1).max(2000),
  startDate: isoDate,
  /** Repair may be requested from this date (最短公示期); absent for the red list. */
  minDisclosureUntil: isoDate.optional(),
  /** The entry stops being effective on this date (最长公示期). */
  maxDisclosureUntil: isoDate,
  source: listingSource,
  /** The measures list version the periods came from. */
  measuresVersion: z.string().min(1),
  /** A person's entry: `{ reason }`, sealed (`reason` is then `SEALED_TEXT`). */
  sealedText: sealedText.optional(),
});

/**
 * A proposed 经营异常名录 entry (企业经营异常名录管理暂行办法 国家工商行政管理总局令第68号). Not penalty information:
 * exactly one of the four grounds of 第四条, no severity and no disclosure period. It stays listed until removed
 * (移出) after rectification, and if still listed on `seriousListOn` it is moved to the 严重违法失信名单
 * (市场监督管理严重违法失信名单管理办法 国家市场监督管理总局令第44号).
 */
export const abnormalOperationListingProposed = z.object({
  subjectId,
  listingId,
  ground: abnormalOperationGround,
  issuingDepartment: departmentRef,
  legalBasis: z.string().min(1).max(300),
  reason: z.string().min(1).max(2000),
  /** The date of listing (列入之日). */
  startDate: isoDate,
  /** Moved to the 严重违法失信名单 on this date if still listed (the measures list's period after `startDate`). */
  seriousListOn: isoDate,
  source: listingSource,
  /** The measures list version the period came from. */
  measuresVersion: z.string().min(1),
});

/** The subject is told before a punitive entry takes effect, and may object until the deadline. */
export const noticeIssued = z.object({
  subjectId,
  listingId,
  noticeDate: isoDate,
  objectionDeadline: isoDate,
});
export const objectionFiled = z.object({
  subjectId,
  listingId,
  grounds: z.string().min(1).max(4000),
  filedOn: isoDate,
  /** A person's objection: `{ grounds }`, sealed. */
  sealedText: sealedText.optional(),
});
const decision = {
  subjectId,
  listingId,
  reasons: z.string().min(1).max(4000),
  decidedOn: isoDate,
  /** A decision about a person: `{ reasons }`, sealed. */
  sealedText: sealedText.optional(),
};
export const objectionUpheld = z.object(decision);
export const objectionDismissed = z.object(decision);
export const listingTookEffect = z.object({ subjectId, listingId, effectiveFrom: isoDate });
export const listingWithdrawn = z.object({
  subjectId,
  listingId,
  reason: z.string().min(1).max(4000),
  withdrawnOn: isoDate,
  /** A person's entry withdrawn: `{ reason }`, sealed. */
  sealedText: sealedText.optional(),
});
export const repairRequested = z.object({
  subjectId,
  listingId,
  /** What the subject did to perform its duties (paid the fine, corrected, filed the report …). */
  dutiesPerformed: z.array(z.string().min(1).max(1000)).min(1),
  /** 信用承诺: the subject signed a credit promise. */
  creditPromise: z.literal(true),
  requestedOn: isoDate,
  /** A person's request: `{ dutiesPerformed }`, sealed (each duty then `SEALED_TEXT`). */
  sealedText: sealedText.optional(),
});
export const repairApproved = z.object(decision);
export const repairRefused = z.object(decision);
export const listingExpired = z.object({ subjectId, listingId, expiredOn: isoDate });

/** The listed company rectified (e.g. filed the missing annual report) and applies for removal (移出). */
export const abnormalOperationRemovalRequested = z.object({
  subjectId,
  listingId,
  /** What was rectified: the annual report filed, the information published or corrected, the new address … */
  rectification: z.array(z.string().min(1).max(1000)).min(1),
  requestedOn: isoDate,
});
/** The removal decision (移出决定) of a credit administrator: the entry is no longer listed from `decidedOn`. */
export const abnormalOperationRemoved = z.object(decision);
/** The removal application is refused, with reasons: the entry stays listed (a new application may follow). */
export const abnormalOperationRemovalRefused = z.object(decision);
/**
 * Still listed when its period ran out (列入经营异常名录届满三年仍未履行相关义务): the 经营异常名录 entry ends and a
 * new entry `seriousListingId` on the 严重违法失信名单 takes effect (市场监督管理严重违法失信名单管理办法
 * 国家市场监督管理总局令第44号), on the list and with the severity and periods the measures list gives.
 */
export const movedToSeriousIllegalDishonestyList = z.object({
  subjectId,
  /** The 经营异常名录 entry that ends. */
  listingId,
  /** The new entry on the 严重违法失信名单. */
  seriousListingId: listingId,
  list: creditList,
  severity,
  issuingDepartment: departmentRef,
  legalBasis: z.string().min(1).max(300),
  reason: z.string().min(1).max(2000),
  movedOn: isoDate,
  minDisclosureUntil: isoDate,
  maxDisclosureUntil: isoDate,
  measuresVersion: z.string().min(1),
});

/** What a credit status means for the other services (联合奖惩 measures, from the versioned measures list). */
export const creditMeasures = z.object({
  /** 容缺受理 allowed. */
  deferredMaterials: z.boolean(),
  /** 告知承诺 allowed. */
  informedCommitment: z.boolean(),
  /** 秒批 allowed. */
  autoApproval: z.boolean(),
  /** Heavier supervision: more frequent inspections (双随机 sampling ratio raised). */
  heightenedInspection: z.boolean(),
  /** Green channel: handled first. */
  priority: z.boolean(),
});
export type CreditMeasures = z.infer<typeof creditMeasures>;

export const creditStatus = z.enum(["green-channel", "normal", "strict-review"]);
export type CreditStatus = z.infer<typeof creditStatus>;

/** The subject's computed status whenever its effective entries change: all another service needs. */
export const creditStatusChanged = z.object({
  subject: subjectRef,
  status: creditStatus,
  measures: creditMeasures,
  measuresVersion: z.string().min(1),
  /** The effective entries that cause the status. */
  causes: z.array(z.object({ listingId, list: creditList, severity: severity.optional() })),
  /** The business date the status applies from. */
  asOf: isoDate,
});

/**
 * A lawful erasure request was received (个人信息保护法 第四十七条) and is being carried out: recorded BEFORE the
 * subject's key is destroyed, so that the history says what happened whatever fails next; `IdentityErased`
 * confirms it once the key is gone. An erasure requested and not confirmed is completed by repeating the request.
 */
export const erasureRequested = z.object({
  subjectId,
  requestedOn: isoDate,
  request: z.string().min(1).max(500),
});

/** A lawful erasure request: the subject's key was destroyed; its encrypted identity is unreadable for ever. */
export const identityErased = z.object({ subjectId, erasedOn: isoDate, request: z.string().min(1).max(500) });

/**
 * A look-up of a subject's credit record by identifier (`POST /credit/lookup`), recorded on the stream
 * `lookup-<subjectId>`: who (the event's actor) looked up whom (the subject id, never the number) and why. The
 * identifier itself is never recorded (个人信息保护法 第五十一条: 合理确定个人信息处理的操作权限; GB/T 22239-2019 安全审计).
 */
export const lookupRecorded = z.object({
  subjectId,
  /** Which identifier was given: a 居民身份证号 or a 统一社会信用代码 (never its value). */
  identifier: z.enum(["idNumber", "creditCode"]),
  /** Whether the subject was registered with credit when it was looked up. */
  registered: z.boolean(),
  /** Why: the caller's stated purpose (e.g. the application being handled). */
  purpose: z.string().min(1).max(500),
  lookedUpOn: isoDate,
});

export const creditEventTypes = {
  SubjectRegistered: "gov.credit.subject.registered.v1",
  ListingProposed: "gov.credit.subject.listing-proposed.v1",
  NoticeIssued: "gov.credit.subject.notice-issued.v1",
  ObjectionFiled: "gov.credit.subject.objection-filed.v1",
  ObjectionUpheld: "gov.credit.subject.objection-upheld.v1",
  ObjectionDismissed: "gov.credit.subject.objection-dismissed.v1",
  ListingTookEffect: "gov.credit.subject.listing-took-effect.v1",
  ListingWithdrawn: "gov.credit.subject.listing-withdrawn.v1",
  RepairRequested: "gov.credit.subject.repair-requested.v1",
  RepairApproved: "gov.credit.subject.repair-approved.v1",
  RepairRefused: "gov.credit.subject.repair-refused.v1",
  ListingExpired: "gov.credit.subject.listing-expired.v1",
  CreditStatusChanged: "gov.credit.subject.status-changed.v1",
  IdentityErased: "gov.credit.subject.identity-erased.v1",
  AbnormalOperationListingProposed: "gov.credit.subject.abnormal-operation-listing-proposed.v1",
  AbnormalOperationRemovalRequested: "gov.credit.subject.abnormal-operation-removal-requested.v1",
  AbnormalOperationRemoved: "gov.credit.subject.abnormal-operation-removed.v1",
  AbnormalOperationRemovalRefused: "gov.credit.subject.abnormal-operation-removal-refused.v1",
  MovedToSeriousIllegalDishonestyList: "gov.credit.subject.moved-to-serious-illegal-dishonesty-list.v1",
  ErasureRequested: "gov.credit.subject.erasure-requested.v1",
  LookupRecorded: "gov.credit.lookup.recorded.v1",
} as const;

export const creditEventSchemas = {
  SubjectRegistered: subjectRegistered,
  ListingProposed: listingProposed,
  NoticeIssued: noticeIssued,
  ObjectionFiled: objectionFiled,
  ObjectionUpheld: objectionUpheld,
  ObjectionDismissed: objectionDismissed,
  ListingTookEffect: listingTookEffect,
  ListingWithdrawn: listingWithdrawn,
  RepairRequested: repairRequested,
  RepairApproved: repairApproved,
  RepairRefused: repairRefused,
  ListingExpired: listingExpired,
  CreditStatusChanged: creditStatusChanged,
  IdentityErased: identityErased,
  AbnormalOperationListingProposed: abnormalOperationListingProposed,
  AbnormalOperationRemovalRequested: abnormalOperationRemovalRequested,
  AbnormalOperationRemoved: abnormalOperationRemoved,
  AbnormalOperationRemovalRefused: abnormalOperationRemovalRefused,
  MovedToSeriousIllegalDishonestyList: movedToSeriousIllegalDishonestyList,
  ErasureRequested: erasureRequested,
  LookupRecorded: lookupRecorded,
} as const;

export type CreditEventName = keyof typeof creditEventSchemas;
export type CreditEventData = { [K in CreditEventName]: z.infer<(typeof creditEventSchemas)[K]> };
