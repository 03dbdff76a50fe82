import type { CreditList, CreditMeasures, CreditStatus, Severity } from "@gov/contracts";

/**
 * The 联合奖惩 measures list (国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见
 * 国发〔2016〕33号): which entries lead to which status and measures, the disclosure periods, the objection
 * window, and how other services' findings become proposed entries. Data, versioned, not code branches. A new
 * version is a new object with a new `version`; entries record the version their periods came from.
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
  /**
   * 经营异常名录: no severity and no disclosure period (it is not penalty information); listed until removed (移出).
   * Still listed `seriousListAfterMonths` after listing, the entry moves to the 严重违法失信名单 as `seriousList`.
   */
  abnormalOperation: {
    seriousListAfterMonths: number;
    seriousList: { list: CreditList; severity: Severity };
    /** The legal basis recorded on the move. */
    basis: string;
  };
  /** Calendar days the subject has to object after the notice (configurable; no national rule sets one number). */
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
    // 失信联合惩戒: black → strict review, no 容缺, no 告知承诺, no auto-approval, heavier supervision.
    {
      list: "black",
      severities: ["general", "serious"],
      status: "strict-review",
      basis: "国发〔2016〕33号 (失信联合惩戒)",
    },
    // 经营异常名录 is 失信信息 too (信用修复管理办法: 异常名录信息), restricted likewise.
    {
      list: "abnormal-operation",
      status: "strict-review",
      basis: "企业经营异常名录管理暂行办法 (国家工商行政管理总局令第68号); 国发〔2016〕33号",
    },
    // 守信联合激励: red → green channel (绿色通道), 容缺受理 allowed, fewer inspections.
    { list: "red", status: "green-channel", basis: "国发〔2016〕33号 (守信联合激励)" },
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
    // 信用修复管理办法 (国家发展和改革委员会令, in force 2026-04-01): 一般 min 3 months, max 1 year; 严重 min
    // 1 year, max 3 years.
    general: { minMonths: 3, maxMonths: 12, basis: "信用修复管理办法" },
    serious: { minMonths: 12, maxMonths: 36, basis: "信用修复管理办法" },
    // 轻微: not disclosed as a rule; where disclosed, at most 3 months, repairable once the duties are
    // performed (信用修复管理办法). A configurable default.
    minor: { minMonths: 0, maxMonths: 3, basis: "信用修复管理办法 (at most 3 months); configurable default" },
  },
  // How long a red-list entry lasts unless the issuing department says otherwise: a configurable default.
  redListMonths: 36,
  // 列入经营异常名录届满三年仍未履行相关义务的 → 严重违法失信名单, a black-list entry (严重失信主体名单) with the
  // 严重 periods: repair after 1 year, out after 3 (市场监督管理严重违法失信名单管理办法 国家市场监督管理总局令第44号).
  abnormalOperation: {
    seriousListAfterMonths: 36,
    seriousList: { list: "black", severity: "serious" },
    basis:
      "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）；《企业经营异常名录管理暂行办法》（国家工商行政管理总局令第68号）",
  },
  objectionDays: 15,
  reactions: {
    violation: {
      minor: null,
      general: { list: "black", severity: "general" },
      serious: { list: "black", severity: "serious" },
    },
    // A false promise is recorded as 失信 and such subjects lose 告知承诺 (国务院办公厅关于全面推行证明事项
    // 告知承诺制的指导意见 国办发〔2020〕42号).
    falsePromise: { list: "black", severity: "general" },
    // 吊销许可证 is 严重失信信息 (信用修复管理办法).
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
