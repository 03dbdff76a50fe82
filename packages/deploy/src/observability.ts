// Reads the metric names the Grafana dashboard and the alert rules under infra/observability/ use, and the
// names a `/metrics` page exposes, so that a test can check the first against the second.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { repoRoot } from "./services.ts";

const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "bool",
  "offset",
]);

/** The metric names a PromQL expression reads, and its `__name__=~"…"` patterns. */
export function metricsIn(expr: string): { names: string[]; patterns: RegExp[] } {
  const patterns = [...expr.matchAll(/__name__\s*=~\s*"([^"]+)"/g)].map((m) => new RegExp(`^(?:${m[1]})$`));
  const stripped = expr
    .replace(/\{[^}]*\}/g, " ") // label matchers
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, " ") // grouping labels
    .replace(/\[[^\]]*\]/g, " ") // ranges
    .replace(/"[^"]*"/g, " ");
  const names = [...stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)]
    .filter((m) => !m[2] && !KEYWORDS.has(m[1] as string) && !/^\d/.test(m[1] as string))
    .map((m) => m[1] as string)
    .filter((n) => !/^(e|inf|nan)$/i.test(n));
  return { names: [...new Set(names)], patterns };
}

/** Every series name a `/metrics` page can carry: each TYPE'd metric, and a histogram's _bucket, _sum, _count. */
export function exposedNames(metricsText: string): Set<string> {
  const names = new Set<string>();
  for (const m of metricsText.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    names.add(name);
    if (type === "histogram" || type === "summary") {
      for (const suffix of ["_bucket", "_sum", "_count"]) names.add(`${name}${suffix}`);
    }
  }
  return names;
}

/** Every PromQL expression of the dashboard and the alert rules, with where it is. */
export function observabilityExpressions(): { where: string; expr: string }[] {
  const dir = join(repoRoot, "infra/observability");
  const dashboard = JSON.parse(readFileSync(join(dir, "grafana-dashboard.json"), "utf8")) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };
  const rules = parse(readFileSync(join(dir, "alerts.yml"), "utf8")) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  return [
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
    ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
  ];
}

/** The expressions' metric names missing from `exposed`, and patterns matching none of it. */
export function unknownMetrics(exposed: Set<string>): string[] {
  const problems: string[] = [];
  for (const { where, expr } of observabilityExpressions()) {
    const { names, patterns } = metricsIn(expr);
    for (const n of names) if (!exposed.has(n)) problems.push(`${where}: ${n}`);
    for (const p of patterns) if (![...exposed].some((n) => p.test(n))) problems.push(`${where}: ${p}`);
  }
  return problems;
}
