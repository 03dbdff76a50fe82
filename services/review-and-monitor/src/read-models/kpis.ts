import type { SupervisionModel } from "./supervision.ts";

/** A figure with its target, as the catalog KPIs show theirs: `met` is null when there is nothing to count. */
export interface KpiFigure {
  count: number;
  total: number;
  /** count / total, 0–1, rounded to 4 places; null when total is 0. */
  rate: number | null;
  target: { op: ">=" | ">" | "<="; value: number };
  met: boolean | null;
}

export interface KpiTargets {
  /** Share of ratings at 满意 or above. A platform default (configurable), not a figure from the policy. */
  satisfaction: number;
  /** 国办发〔2019〕51号: 实名差评回访整改率要达到100%. */
  callBack: number;
  rectification: number;
  /** Complaints answered on time; a platform default (configurable). */
  complaintsOnTime: number;
  /** Decisions within their time limit; a platform default (configurable). */
  onTime: number;
  /** 即办件比率 > 60 % and 最多跑一次 ≥ 90 % (the catalog's seed targets, as matters' KPIs show them). */
  onTheSpot: number;
  atMostOneVisit: number;
  /** Sampled 告知承诺 tasks verified: every one (a platform default: a drawn promise is always checked). */
  promiseVerification: number;
}
export const defaultKpiTargets: KpiTargets = {
  satisfaction: 0.9,
  callBack: 1,
  rectification: 1,
  complaintsOnTime: 0.95,
  onTime: 0.95,
  onTheSpot: 0.6,
  atMostOneVisit: 0.9,
  promiseVerification: 1,
};

export interface Kpis {
  period: { from?: string; to?: string };
  department?: string;
  ratings: { total: number; excluded: number; byLevel: Record<string, number> };
  satisfaction: KpiFigure;
  badRatingCallBack: KpiFigure;
  badRatingRectification: KpiFigure;
  complaints: {
    total: number;
    byDepartment: Record<string, number>;
    onTimeAnswers: KpiFigure;
    callBackSatisfaction: { count: number; total: number; rate: number | null };
  };
  /** Warnings raised in the period (cleared ones included). */
  warnings: { yellow: number; red: number };
  /** Approval's decisions in the period (by decision date, approving department), as pushed here. */
  efficiency: {
    decisions: number;
    onTime: KpiFigure;
    averageWorkingDays: { value: number | null; decisions: number };
    onTheSpot: KpiFigure;
    atMostOneVisit: KpiFigure;
    /** 告知承诺 tasks opened in the period (supervising department): sampled ones concluded. */
    promiseVerification: KpiFigure;
    /** Concluded verifications that found the promise false. */
    falsePromise: { count: number; total: number; rate: number | null };
  };
}

const rate = (count: number, total: number) =>
  total === 0 ? null : Math.round((count / total) * 10_000) / 10_000;
const figure = (count: number, total: number, value: number, op: ">=" | ">" = ">="): KpiFigure => {
  const r = rate(count, total);
  const met = r === null ? null : op === ">" ? r > value : r >= value;
  return { count, total, rate: r, target: { op, value }, met };
};

/** The efficiency figures from the decisions pushed here and the 告知承诺 tasks (docs/review-and-monitor.md). */
function efficiency(
  m: SupervisionModel,
  inPeriod: (date: string) => boolean,
  ofDepartment: (creditCode: string) => boolean,
  targets: KpiTargets,
): Kpis["efficiency"] {
  const decisions = [...m.pushes.values()].flatMap((p) =>
    p.what === "decision" &&
    p.decision &&
    inPeriod(p.decision.decidedOn) &&
    ofDepartment(p.approvingDepartment.creditCode)
      ? [p.decision]
      : [],
  );
  const timed = decisions.filter((d) => d.withinLimit !== undefined);
  const counted = decisions.filter((d) => d.workingDaysUsed !== undefined);
  const days = counted.reduce((sum, d) => sum + (d.workingDaysUsed ?? 0), 0);
  const kinds = decisions.filter((d) => d.caseKind !== undefined);
  const visits = decisions.filter((d) => d.onSiteVisits !== undefined);
  const tasks = [...m.verifications.values()].filter(
    (v) => inPeriod(v.openedOn) && ofDepartment(v.department.creditCode),
  );
  const sampled = tasks.filter((v) => v.sampling.sampled);
  const concluded = sampled.filter((v) => v.status === "concluded");
  const found = concluded.filter((v) => v.outcome === "false").length;
  return {
    decisions: decisions.length,
    onTime: figure(timed.filter((d) => d.withinLimit).length, timed.length, targets.onTime),
    averageWorkingDays: {
      value: counted.length === 0 ? null : Math.round((days / counted.length) * 100) / 100,
      decisions: counted.length,
    },
    onTheSpot: figure(
      kinds.filter((d) => d.caseKind === "on-the-spot").length,
      kinds.length,
      targets.onTheSpot,
      ">",
    ),
    atMostOneVisit: figure(
      visits.filter((d) => (d.onSiteVisits ?? 0) <= 1).length,
      visits.length,
      targets.atMostOneVisit,
    ),
    promiseVerification: figure(concluded.length, sampled.length, targets.promiseVerification),
    falsePromise: { count: found, total: concluded.length, rate: rate(found, concluded.length) },
  };
}

/**
 * The 好差评 and complaint KPIs for a period (by the rating's or loop's date) and optionally one department,
 * from the service's own events only — so a rebuild of the model gives the same figures (docs/review-and-monitor.md).
 */
export function computeKpis(
  m: SupervisionModel,
  options: { from?: string; to?: string; department?: string; targets?: KpiTargets },
): Kpis {
  const targets = options.targets ?? defaultKpiTargets;
  const inPeriod = (date: string) =>
    (!options.from || date >= options.from) && (!options.to || date <= options.to);
  const ofDepartment = (creditCode: string) => !options.department || creditCode === options.department;

  const ratings = [...m.ratings.values()].filter(
    (r) => inPeriod(r.ratedOn) && ofDepartment(r.department.creditCode),
  );
  const counted = ratings.filter((r) => !r.excludedFromKpis);
  const byLevel: Record<string, number> = {};
  for (const r of counted) byLevel[r.level] = (byLevel[r.level] ?? 0) + 1;
  const satisfied = counted.filter((r) => r.level === "very-satisfied" || r.level === "satisfied").length;

  const loops = [...m.feedback.values()].filter(
    (f) => inPeriod(f.openedOn) && ofDepartment(f.department.creditCode),
  );
  const excludedRatings = new Set(ratings.filter((r) => r.excludedFromKpis).map((r) => r.ratingId));
  const bad = loops.filter(
    (f) => f.kind === "bad-rating" && !(f.ratingId && excludedRatings.has(f.ratingId)),
  );
  const did = (f: (typeof loops)[number], step: string, outcomes?: string[]) =>
    f.steps.some((s) => s.step === step && (!outcomes || outcomes.includes(s.outcome)));
  const calledBack = bad.filter((f) =>
    did(f, "call-back", ["reached-satisfied", "reached-dissatisfied"]),
  ).length;
  const answered = bad.filter((f) => did(f, "answer")).length;

  const complaints = loops.filter((f) => f.kind === "complaint");
  const byDepartment: Record<string, number> = {};
  for (const c of complaints)
    byDepartment[c.department.creditCode] = (byDepartment[c.department.creditCode] ?? 0) + 1;
  const answers = complaints.flatMap((c) => c.steps.filter((s) => s.step === "answer"));
  const reached = complaints.flatMap((c) =>
    c.steps.filter((s) => s.step === "call-back" && s.outcome !== "not-reached"),
  );
  const pleased = reached.filter((s) => s.outcome === "reached-satisfied").length;

  const warnings = { yellow: 0, red: 0 };
  for (const c of m.clocks.values())
    if (ofDepartment(c.department.creditCode))
      for (const w of c.raisedEver) if (inPeriod(w.raisedOn)) warnings[w.level]++;

  return {
    period: { ...(options.from ? { from: options.from } : {}), ...(options.to ? { to: options.to } : {}) },
    ...(options.department ? { department: options.department } : {}),
    ratings: { total: ratings.length, excluded: ratings.length - counted.length, byLevel },
    satisfaction: figure(satisfied, counted.length, targets.satisfaction),
    badRatingCallBack: figure(calledBack, bad.length, targets.callBack),
    badRatingRectification: figure(answered, bad.length, targets.rectification),
    complaints: {
      total: complaints.length,
      byDepartment,
      onTimeAnswers: figure(answers.filter((a) => !a.late).length, answers.length, targets.complaintsOnTime),
      callBackSatisfaction: { count: pleased, total: reached.length, rate: rate(pleased, reached.length) },
    },
    warnings,
    efficiency: efficiency(m, inPeriod, ofDepartment, targets),
  };
}
