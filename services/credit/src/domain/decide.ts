import { NotFound, RuleViolation, StateConflict } from "@gov/eventsourcing";
import type { SubjectCommand } from "./commands.ts";
import { addDays, addMonths, businessDate } from "./dates.ts";
import { type MeasuresList, statusOf } from "./measures.ts";
import {
  effectiveListings,
  evolveSubject,
  type Listing,
  type RegisteredSubject,
  type SubjectEvent,
  type SubjectState,
} from "./subject.ts";

const PUNITIVE = new Set(["black", "abnormal-operation"]);

/**
 * The subject decider under one measures list: which events follow from a command. Pure; throws domain
 * errors. Every decision that changes which entries are effective also emits the subject's new status
 * (CreditStatusChanged) when it differs, so that other services never compute it themselves.
 */
export function subjectDecider(measures: MeasuresList) {
  function decide(command: SubjectCommand, state: SubjectState): SubjectEvent[] {
    const today = businessDate(command.metadata.now);
    if (command.type === "RegisterSubject") {
      if (state.status === "registered") return []; // registering again changes nothing
      return [{ type: "SubjectRegistered", data: command.data }];
    }
    if (state.status !== "registered") throw new NotFound("no such subject");
    const s = state;
    const subjectId = s.subjectId;
    const listing = (listingId: string): Listing => {
      const l = s.listings[listingId];
      if (!l) throw new NotFound(`subject has no entry ${listingId}`);
      return l;
    };
    switch (command.type) {
      case "ProposeListing":
        return withStatus(s, propose(s, command.data, today), today);
      case "FileObjection": {
        const l = listing(command.data.listingId);
        // domain brief §5: subjects are told beforehand and may object (within the objection window).
        if (l.stage !== "notified" || !l.objectionDeadline) {
          throw new StateConflict(
            `entry ${l.listingId} is ${l.stage}: objections are taken before it takes effect`,
          );
        }
        if (today > l.objectionDeadline) {
          throw new StateConflict(
            `the objection window of entry ${l.listingId} closed on ${l.objectionDeadline}`,
          );
        }
        return [
          {
            type: "ObjectionFiled",
            data: { subjectId, listingId: l.listingId, grounds: command.data.grounds, filedOn: today },
          },
        ];
      }
      case "DecideObjection": {
        const l = listing(command.data.listingId);
        if (l.stage !== "objected")
          throw new StateConflict(`entry ${l.listingId} has no objection to decide`);
        const decision = {
          subjectId,
          listingId: l.listingId,
          reasons: command.data.reasons,
          decidedOn: today,
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
        // A dismissed objection: the entry takes effect now if the window has passed, else when it does.
        const events: SubjectEvent[] = [{ type: "ObjectionDismissed", data: decision }];
        if (l.objectionDeadline && today > l.objectionDeadline) {
          events.push({
            type: "ListingTookEffect",
            data: { subjectId, listingId: l.listingId, effectiveFrom: today },
          });
        }
        return withStatus(s, events, today);
      }
      case "TakeEffect": {
        const l = listing(command.data.listingId);
        // Scheduled and idempotent: nothing unless still notified and the window has closed.
        if (l.stage !== "notified" || !l.objectionDeadline || today <= l.objectionDeadline) return [];
        return withStatus(
          s,
          [{ type: "ListingTookEffect", data: { subjectId, listingId: l.listingId, effectiveFrom: today } }],
          today,
        );
      }
      case "RequestRepair": {
        const l = listing(command.data.listingId);
        const problems: { field: string; message: string }[] = [];
        // 信用修复 (domain brief §5): only on an effective punitive entry, after the minimum period, with duties
        // performed and a credit promise.
        if (!command.data.creditPromise)
          problems.push({
            field: "creditPromise",
            message: "a credit repair needs a signed credit promise (信用承诺)",
          });
        if (command.data.dutiesPerformed.length === 0)
          problems.push({ field: "dutiesPerformed", message: "say which duties were performed" });
        if (problems.length > 0) throw new RuleViolation(problems);
        if (!PUNITIVE.has(l.list) || l.stage !== "effective") {
          throw new StateConflict(`entry ${l.listingId} is not an effective black-list or 经营异常 entry`);
        }
        if (l.repairPending)
          throw new StateConflict(`entry ${l.listingId} already has a repair request pending`);
        if (l.minDisclosureUntil && today < l.minDisclosureUntil) {
          throw new StateConflict(
            `entry ${l.listingId} can be repaired from ${l.minDisclosureUntil} (the minimum disclosure period)`,
          );
        }
        return [
          {
            type: "RepairRequested",
            data: {
              subjectId,
              listingId: l.listingId,
              dutiesPerformed: command.data.dutiesPerformed,
              creditPromise: true,
              requestedOn: today,
            },
          },
        ];
      }
      case "DecideRepair": {
        const l = listing(command.data.listingId);
        if (!l.repairPending) throw new StateConflict(`entry ${l.listingId} has no repair request to decide`);
        const decision = {
          subjectId,
          listingId: l.listingId,
          reasons: command.data.reasons,
          decidedOn: today,
        };
        if (!command.data.approved) return [{ type: "RepairRefused", data: decision }];
        return withStatus(s, [{ type: "RepairApproved", data: decision }], today);
      }
      case "WithdrawListing": {
        const l = listing(command.data.listingId);
        if (!["notified", "objected", "effective"].includes(l.stage)) {
          throw new StateConflict(`entry ${l.listingId} has already ended (${l.stage})`);
        }
        return withStatus(
          s,
          [
            {
              type: "ListingWithdrawn",
              data: { subjectId, listingId: l.listingId, reason: command.data.reason, withdrawnOn: today },
            },
          ],
          today,
        );
      }
      case "ExpireListing": {
        const l = listing(command.data.listingId);
        // domain brief §5: at the maximum period an entry stops showing automatically. Scheduled, idempotent.
        if (l.stage !== "effective" || today < l.maxDisclosureUntil) return [];
        return withStatus(
          s,
          [{ type: "ListingExpired", data: { subjectId, listingId: l.listingId, expiredOn: today } }],
          today,
        );
      }
      case "EraseIdentity": {
        if (s.kind !== "person") throw new StateConflict("only a person's identity can be erased");
        if (s.erased) return [];
        return [
          { type: "IdentityErased", data: { subjectId, erasedOn: today, request: command.data.request } },
        ];
      }
    }
  }

  function propose(
    s: RegisteredSubject,
    input: Extract<SubjectCommand, { type: "ProposeListing" }>["data"],
    today: string,
  ): SubjectEvent[] {
    const problems: { field: string; message: string }[] = [];
    if (s.listings[input.listingId]) throw new StateConflict(`entry ${input.listingId} already exists`);
    const punitive = PUNITIVE.has(input.list);
    if (punitive && !input.severity)
      problems.push({ field: "severity", message: "a black-list or 经营异常 entry needs a severity" });
    if (!punitive && input.severity)
      problems.push({ field: "severity", message: "a red-list entry has no severity" });
    // 经营异常名录: market entities only, on one of its four grounds (domain brief §5).
    if (input.list === "abnormal-operation") {
      if (s.kind !== "organisation")
        problems.push({ field: "list", message: "经营异常名录 lists organisations only" });
      if (!input.ground)
        problems.push({ field: "ground", message: "经营异常名录 needs one of its four grounds" });
    } else if (input.ground) {
      problems.push({ field: "ground", message: "a ground applies to 经营异常名录 only" });
    }
    if (!punitive && input.validUntil && input.validUntil <= (input.startDate ?? today))
      problems.push({ field: "validUntil", message: "must be after the start date" });
    if (punitive && input.validUntil)
      problems.push({ field: "validUntil", message: "punitive entries end by the measures list's periods" });
    // Red list (守信激励): only without a bad record in force or pending (domain brief §5).
    if (!punitive) {
      const bad = Object.values(s.listings).find(
        (l) => PUNITIVE.has(l.list) && ["notified", "objected", "effective"].includes(l.stage),
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
      ...(input.ground ? { ground: input.ground } : {}),
    };
    if (!punitive) {
      return [
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
    }
    const severity = input.severity as NonNullable<typeof input.severity>;
    const period = measures.periods[severity];
    return [
      {
        type: "ListingProposed",
        data: {
          ...base,
          severity,
          minDisclosureUntil: addMonths(startDate, period.minMonths),
          maxDisclosureUntil: addMonths(startDate, period.maxMonths),
        },
      },
      // Told before it takes effect, with a window to object (domain brief §5).
      {
        type: "NoticeIssued",
        data: {
          subjectId: s.subjectId,
          listingId: input.listingId,
          noticeDate: today,
          objectionDeadline: addDays(today, measures.objectionDays),
        },
      },
    ];
  }

  /** Appends CreditStatusChanged when `events` change the subject's computed status. */
  function withStatus(s: RegisteredSubject, events: SubjectEvent[], today: string): SubjectEvent[] {
    const after = events.reduce(evolveSubject, s as SubjectState) as RegisteredSubject;
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

  return { decide };
}
