import type { CreditList, CreditMeasures, CreditStatus, Severity } from "@gov/contracts";

/**
 * The 联合奖惩 measures list: which entries lead to which status and measures, the disclosure periods, the
 * objection window, and how other services' findings become proposed entries. Data, versioned, not code
 * branches (credit issue; seed 002 §12 "信任在先、过程管控，信用保障、联合惩戒"). A new version is a new object
 * with a new `version`; entries record the version their periods came from.
 */
export interface MeasuresList {
  version: string;
  /** The status each kind of effective entry leads to; the strictest wins (order of `precedence`). */
  rules: { list: CreditList; severities?: Severity[]; status: CreditStatus; basis: string }[];
  precedence: CreditStatus[];
  measures: Record<CreditStatus, CreditMeasures>;
  /** Minimum (repair possible from) and maximum (no longer effective at) disclosure, in months. */
  periods: Record<Severity, { minMonths: number; maxMonths: number; basis: string }>;
  /** How long a red-list entry lasts unless the issuing department says otherwise. */
  redListMonths: number;
  /** Calendar days the subject has to object after the notice (configurable; the brief sets no number). */
  objectionDays: number;
  /** Findings of other services → proposed entries (`null`: not listed). */
  reactions: {
    violation: Record<Severity, { list: CreditList; severity: Severity } | null>;
    falsePromise: { list: CreditList; severity: Severity };
    permitRevoked: { list: CreditList; severity: Severity };
  };
}

const none = { deferredMaterials: false, informedCommitment: false, autoApproval: false };

export const measuresV1: MeasuresList = {
  version: "2026-04-01",
  rules: [
    // domain brief §5: black → strict review, no 容缺, no 告知承诺, no auto-approval, heavier supervision.
    { list: "black", severities: ["general", "serious"], status: "strict-review", basis: "domain brief §5" },
    // 经营异常名录 is a restriction too (seed 002 §12 联合惩戒).
    { list: "abnormal-operation", status: "strict-review", basis: "seed 002 §12" },
    // domain brief §5: red → green channel, 容缺 allowed, fewer inspections.
    { list: "red", status: "green-channel", basis: "domain brief §5" },
  ],
  precedence: ["strict-review", "green-channel", "normal"],
  measures: {
    "strict-review": { ...none, heightenedInspection: true, priority: false },
    normal: {
      deferredMaterials: true,
      informedCommitment: true,
      autoApproval: true,
      heightenedInspection: false,
      priority: false,
    },
    "green-channel": {
      deferredMaterials: true,
      informedCommitment: true,
      autoApproval: true,
      heightenedInspection: false,
      priority: true,
    },
  },
  periods: {
    // 信用修复管理办法 (in force 2026-04-01), domain brief §5: 一般 min 3 months, max 1 year; 严重 min 1 year, max 3 years.
    general: { minMonths: 3, maxMonths: 12, basis: "信用修复管理办法; domain brief §5" },
    serious: { minMonths: 12, maxMonths: 36, basis: "信用修复管理办法; domain brief §5" },
    // 轻微: not in the brief; a configurable default of 3 months, repairable at once.
    minor: { minMonths: 0, maxMonths: 3, basis: "configurable default" },
  },
  // domain brief §5: e.g. three years without a bad record.
  redListMonths: 36,
  objectionDays: 15,
  reactions: {
    violation: {
      minor: null,
      general: { list: "black", severity: "general" },
      serious: { list: "black", severity: "serious" },
    },
    // domain brief §2: a false promise → a credit record; such subjects get neither 容缺 nor 告知承诺.
    falsePromise: { list: "black", severity: "general" },
    // domain brief §3: 吊销 is a trigger for 严重失信 listing.
    permitRevoked: { list: "black", severity: "serious" },
  },
};

/** The status that a subject's effective entries lead to, and which entries cause it. */
export function statusOf(
  measures: MeasuresList,
  effective: readonly { listingId: string; list: CreditList; severity?: Severity }[],
): { status: CreditStatus; causes: { listingId: string; list: CreditList; severity?: Severity }[] } {
  const matched = effective.flatMap((entry) => {
    const rule = measures.rules.find(
      (r) =>
        r.list === entry.list && (!r.severities || (entry.severity && r.severities.includes(entry.severity))),
    );
    return rule ? [{ entry, status: rule.status }] : [];
  });
  for (const status of measures.precedence) {
    const causes = matched.filter((m) => m.status === status).map((m) => m.entry);
    if (causes.length > 0) return { status, causes };
  }
  return { status: "normal", causes: [] };
}
