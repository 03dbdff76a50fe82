import { chinaDate } from "@gov/calendar";
import type { Actor } from "@gov/contracts";
import { type Decider, NotFound, NotPermitted, RuleViolation, StateConflict } from "@gov/eventsourcing";
import type {
  AmendPermit,
  CancelPermit,
  DeliverCertificate,
  DismissRevocation,
  IssueCertificate,
  PermitCommand,
  ProposeRevocation,
  RenewPermit,
  RescindPermit,
  RevokePermit,
  SignCertificate,
  WithdrawPermit,
} from "./commands.ts";
import {
  current,
  evolvePermit,
  initialPermitState,
  type Permit,
  type PermitEvent,
  type PermitState,
} from "./permit.ts";

interface Context {
  now: string;
  today: string;
  actor: Actor;
}

/** A certificate's number: the permit id and its version (变更 and 延续 make the next version). */
export const certificateNumber = (permitId: string, version: number) =>
  `${permitId}-${String(version).padStart(2, "0")}`;

export const permitDecider: Decider<PermitCommand, PermitEvent, PermitState> = {
  initialState: initialPermitState,
  evolve: evolvePermit,
  decide: (command, state) => {
    const { now, actor } = command.metadata;
    return decidePermit(command, state, { now, today: chinaDate(now), actor });
  },
};

export function decidePermit(command: PermitCommand, state: PermitState, ctx: Context): PermitEvent[] {
  switch (command.type) {
    case "IssueCertificate":
      return issue(command, state, ctx);
    case "SignCertificate":
      return sign(command, existing(state));
    case "DeliverCertificate":
      return deliver(command, existing(state), ctx);
    case "AmendPermit":
      return amend(command, valid(state, ctx), ctx);
    case "RenewPermit":
      return renew(command, valid(state, ctx), ctx);
    case "WithdrawPermit":
      return withdraw(command, valid(state, ctx), ctx);
    case "RescindPermit":
      return rescind(command, valid(state, ctx), ctx);
    case "RevokePermit":
      return revoke(command, valid(state, ctx), ctx);
    case "CancelPermit":
      return cancel(command, department(existing(state), ctx), ctx);
    case "ProposeRevocation":
      return propose(command, existing(state));
    case "DismissRevocation":
      return dismiss(command, department(existing(state), ctx), ctx);
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

function existing(state: PermitState): Permit {
  if (!("exists" in state)) throw new NotFound("no such permit");
  return state;
}

/** Changes are the issuing department's (officers and heads of it; fails closed without the claim). */
function department(p: Permit, { actor }: Context): Permit {
  if (actor.role === "system") return p;
  if (actor.role !== "officer" && actor.role !== "department-head")
    throw new NotPermitted(`a ${actor.role} cannot change a permit`);
  if (!actor.department || actor.department !== current(p).issuingDepartment.creditCode)
    throw new NotPermitted("only the issuing department changes this permit");
  return p;
}

function valid(state: PermitState, ctx: Context): Permit {
  const p = department(existing(state), ctx);
  if (p.status !== "valid") throw new StateConflict(`the permit is ${p.status}`);
  return p;
}

/** 发证: the first certificate of a permit granted by a 准予 decision (行政许可法 第三十九条). */
export function issue(command: IssueCertificate, state: PermitState, ctx: Context): PermitEvent[] {
  if ("exists" in state) return [];
  const d = command.data;
  if (d.validUntil < d.validFrom)
    throw new RuleViolation([{ field: "validUntil", message: "on or after validFrom" }]);
  return [
    {
      type: "CertificateIssued",
      data: { ...d, version: 1, certificateNo: certificateNumber(d.permitId, 1), issuedAt: ctx.now },
    },
  ];
}

/** The department's seal over a certificate: once per certificate. */
export function sign(command: SignCertificate, p: Permit): PermitEvent[] {
  const cert = p.certificates.find((c) => c.certificateNo === command.data.certificateNo);
  if (!cert) throw new NotFound(`no certificate ${command.data.certificateNo}`);
  if (cert.signature) return [];
  return [
    {
      type: "CertificateSigned",
      data: {
        permitId: p.permitId,
        certificateNo: cert.certificateNo,
        signature: command.data.signature,
        signedAt: command.metadata.now,
      },
    },
  ];
}

/** 送达 (行政许可法 第四十四条): window, EMS with its tracking number, locker, or download. */
export function deliver(command: DeliverCertificate, p: Permit, ctx: Context): PermitEvent[] {
  const d = command.data;
  const cert = p.certificates.find((c) => c.certificateNo === d.certificateNo);
  if (!cert) throw new NotFound(`no certificate ${d.certificateNo}`);
  if (d.method !== "download") department(p, ctx);
  else if (ctx.actor.role === "applicant" && ctx.actor.id !== cert.holder.subjectId)
    throw new NotPermitted("only the holder downloads its certificate");
  if (d.method === "ems" && !d.trackingNumber)
    throw new RuleViolation([{ field: "trackingNumber", message: "the EMS tracking number" }]);
  if (d.method === "locker" && !d.lockerCode)
    throw new RuleViolation([{ field: "lockerCode", message: "the locker's pick-up code" }]);
  return [
    {
      type: "CertificateDelivered",
      data: {
        permitId: p.permitId,
        certificateNo: cert.certificateNo,
        method: d.method,
        ...(d.trackingNumber ? { trackingNumber: d.trackingNumber } : {}),
        ...(d.lockerCode ? { lockerCode: d.lockerCode } : {}),
        deliveredOn: ctx.today,
        deliveredAt: ctx.now,
        ...(ctx.actor.role === "applicant" ? {} : { officerId: ctx.actor.id }),
        caseId: cert.caseId,
      },
    },
  ];
}

const decided = (ctx: Context) => ({ decidedBy: ctx.actor.id, decidedOn: ctx.today, decidedAt: ctx.now });

function nextVersion(
  p: Permit,
  ctx: Context,
  change: { scope?: string; validUntil?: string; validFrom?: string },
) {
  const cur = current(p);
  const version = cur.version + 1;
  const { deliveries: _d, signature: _s, supersedes: _p, ...content } = cur;
  return {
    ...content,
    ...change,
    version,
    certificateNo: certificateNumber(p.permitId, version),
    supersedes: cur.certificateNo,
    issuedOn: ctx.today,
    issuedAt: ctx.now,
    auto: false,
  };
}

/** 变更 (行政许可法 第四十九条): on the holder's application; the new scope on a new certificate version. */
export function amend(command: AmendPermit, p: Permit, ctx: Context): PermitEvent[] {
  const next = nextVersion(p, ctx, { scope: command.data.scope });
  return [
    {
      type: "PermitAmended",
      data: {
        permitId: p.permitId,
        reason: command.data.reason,
        legalBasis: command.data.legalBasis,
        ...decided(ctx),
        scope: command.data.scope,
        newCertificateNo: next.certificateNo,
      },
    },
    { type: "CertificateIssued", data: next },
  ];
}

/** 延续 (行政许可法 第五十条): before the permit expires, to a later date, on a new certificate version. */
export function renew(command: RenewPermit, p: Permit, ctx: Context): PermitEvent[] {
  const cur = current(p);
  if (ctx.today > cur.validUntil)
    throw new StateConflict(`the permit expired on ${cur.validUntil}: renewal is before expiry (第五十条)`);
  if (command.data.validUntil <= cur.validUntil)
    throw new RuleViolation([{ field: "validUntil", message: `after ${cur.validUntil}` }]);
  const next = nextVersion(p, ctx, { validUntil: command.data.validUntil, validFrom: ctx.today });
  return [
    {
      type: "PermitRenewed",
      data: {
        permitId: p.permitId,
        reason: command.data.reason,
        legalBasis: command.data.legalBasis,
        ...decided(ctx),
        validUntil: command.data.validUntil,
        newCertificateNo: next.certificateNo,
      },
    },
    { type: "CertificateIssued", data: next },
  ];
}

/** 撤回 (行政许可法 第八条). */
export function withdraw(command: WithdrawPermit, p: Permit, ctx: Context): PermitEvent[] {
  return [{ type: "PermitWithdrawn", data: { permitId: p.permitId, ...command.data, ...decided(ctx) } }];
}

function revokedEvent(p: Permit, d: { reason: string; legalBasis: string }, decision: string, ctx: Context) {
  const cert = current(p);
  return {
    type: "PermitRevoked" as const,
    data: {
      permitId: p.permitId,
      holder: cert.holder,
      matterId: cert.matterId,
      permitName: cert.permitName,
      department: cert.issuingDepartment,
      legalBasis: d.legalBasis,
      reason: d.reason,
      revokedOn: ctx.today,
      penaltyDecision: decision,
    },
  };
}

/** 撤销 (行政许可法 第六十九条; a false 告知承诺: 国办发〔2020〕42号): recorded, and published as PermitRevoked for credit. */
export function rescind(command: RescindPermit, p: Permit, ctx: Context): PermitEvent[] {
  const d = command.data;
  return [
    {
      type: "PermitRescinded",
      data: {
        permitId: p.permitId,
        reason: d.reason,
        legalBasis: d.legalBasis,
        ...decided(ctx),
        ground: d.ground,
        decisionNumber: d.decisionNumber,
        ...(d.findingId ? { findingId: d.findingId } : {}),
      },
    },
    revokedEvent(p, d, d.decisionNumber, ctx),
  ];
}

/** 吊销: a penalty (行政处罚法 第九条), with its 处罚决定书文号. */
export function revoke(command: RevokePermit, p: Permit, ctx: Context): PermitEvent[] {
  return [revokedEvent(p, command.data, command.data.penaltyDecision, ctx)];
}

/** 注销 (行政许可法 第七十条): expired, holder gone, or after 撤销/撤回/吊销. */
export function cancel(command: CancelPermit, p: Permit, ctx: Context): PermitEvent[] {
  const d = command.data;
  if (p.status === "cancelled") throw new StateConflict("the permit is cancelled already");
  const cur = current(p);
  if (d.ground === "expired" && ctx.today <= cur.validUntil)
    throw new StateConflict(`the permit is valid until ${cur.validUntil}`);
  if (d.ground === "after-revocation" && p.status !== "revoked" && p.status !== "rescinded")
    throw new StateConflict("the permit was not revoked");
  if (d.ground === "after-withdrawal" && p.status !== "withdrawn")
    throw new StateConflict("the permit was not withdrawn");
  return [{ type: "PermitCancelled", data: { permitId: p.permitId, ...d, ...decided(ctx) } }];
}

/** A finding asks for revocation: opened for the department to decide (审管联动), once per finding. */
export function propose(command: ProposeRevocation, p: Permit): PermitEvent[] {
  if (p.proposals[command.data.findingId] || p.status !== "valid") return [];
  return [{ type: "RevocationProposed", data: command.data }];
}

export function dismiss(command: DismissRevocation, p: Permit, ctx: Context): PermitEvent[] {
  const proposal = p.proposals[command.data.findingId];
  if (!proposal) throw new NotFound(`no revocation proposed for finding ${command.data.findingId}`);
  if (!proposal.open || p.status !== "valid") throw new StateConflict("the proposal is decided already");
  return [
    {
      type: "RevocationDismissed",
      data: {
        permitId: p.permitId,
        findingId: command.data.findingId,
        reason: command.data.reason,
        decidedBy: ctx.actor.id,
        decidedOn: ctx.today,
      },
    },
  ];
}
