import type { ApprovalEventData } from "@gov/contracts";

export type PermitEventName =
  | "CertificateIssued"
  | "CertificateSigned"
  | "CertificateDelivered"
  | "PermitAmended"
  | "PermitRenewed"
  | "PermitWithdrawn"
  | "PermitRescinded"
  | "PermitCancelled"
  | "RevocationProposed"
  | "RevocationDismissed"
  | "PermitRevoked";
export type PermitEvent = {
  [K in PermitEventName]: { type: K; data: ApprovalEventData[K] };
}[PermitEventName];

export type Certificate = ApprovalEventData["CertificateIssued"] & {
  deliveries: ApprovalEventData["CertificateDelivered"][];
};

/** valid: in force; the others are ended by 撤回, 撤销, 吊销 or 注销. */
export type PermitStatus = "valid" | "withdrawn" | "rescinded" | "revoked" | "cancelled";

export interface Permit {
  permitId: string;
  status: PermitStatus;
  certificates: Certificate[];
  proposals: Record<string, ApprovalEventData["RevocationProposed"] & { open: boolean }>;
  ended?: { how: PermitStatus; on: string; reason: string };
}

export type PermitState = { status: "none" } | ({ exists: true } & Permit);

export const initialPermitState = (): PermitState => ({ status: "none" });

/** The certificate version in force. */
export const current = (p: Permit) => p.certificates.at(-1) as Certificate;

export function evolvePermit(state: PermitState, event: PermitEvent): PermitState {
  if (event.type === "CertificateIssued") {
    const cert: Certificate = { ...event.data, deliveries: [] };
    if (!("exists" in state))
      return {
        exists: true,
        permitId: event.data.permitId,
        status: "valid",
        certificates: [cert],
        proposals: {},
      };
    return { ...state, certificates: [...state.certificates, cert] };
  }
  if (!("exists" in state)) return state;
  const s = { ...state, proposals: { ...state.proposals } };
  const end = (how: PermitStatus, d: { decidedOn: string; reason: string }) => ({
    ...s,
    status: how,
    ended: { how, on: d.decidedOn, reason: d.reason },
  });
  switch (event.type) {
    case "CertificateSigned":
      return {
        ...s,
        certificates: s.certificates.map((c) =>
          c.certificateNo === event.data.certificateNo ? { ...c, signature: event.data.signature } : c,
        ),
      };
    case "CertificateDelivered":
      return {
        ...s,
        certificates: s.certificates.map((c) =>
          c.certificateNo === event.data.certificateNo
            ? { ...c, deliveries: [...c.deliveries, event.data] }
            : c,
        ),
      };
    case "PermitAmended":
    case "PermitRenewed":
      return s;
    case "PermitWithdrawn":
      return end("withdrawn", event.data);
    case "PermitRescinded":
      return end("rescinded", event.data);
    case "PermitCancelled":
      return {
        ...s,
        status: "cancelled",
        ended: { how: "cancelled", on: event.data.decidedOn, reason: event.data.reason },
      };
    case "PermitRevoked":
      // 撤销 publishes PermitRevoked too (for credit): it does not change a rescinded permit's status.
      if (s.status === "rescinded") return s;
      return {
        ...s,
        status: "revoked",
        ended: { how: "revoked", on: event.data.revokedOn, reason: event.data.reason },
      };
    case "RevocationProposed":
      s.proposals[event.data.findingId] = { ...event.data, open: true };
      return s;
    case "RevocationDismissed": {
      const p = s.proposals[event.data.findingId];
      if (p) s.proposals[event.data.findingId] = { ...p, open: false };
      return s;
    }
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${(unknown as { type: string }).type}`);
    }
  }
}
