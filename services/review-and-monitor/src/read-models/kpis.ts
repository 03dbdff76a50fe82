import type { SupervisionModel } from "./supervision.ts";

/** A figure with its target, as the catalog KPIs show theirs: `met` is null when there is nothing to count. */
export interface KpiFigure {
  count: number;
  total: number;
  /** count / total, 0–1, rounded to 4 places; null when total is 0. */
  rate: number | null;
  target: { op: ">=" | "<="; value: number };
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
}
export const defaultKpiTargets: KpiTargets = {
  satisfaction: 0.9,
  callBack: 1,
  rectification: 1,
  complaintsOnTime: 0.95,
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
}

const rate = (count: number, total: number) =>
  total === 0 ? null : Math.round((count / total) * 10_000) / 10_000;
const figure = (count: number, total: number, value: number): KpiFigure => {
  const r = rate(count, total);
  return { count, total, rate: r, target: { op: ">=", value }, met: r === null ? null : r >= value };
};

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
  };
}
