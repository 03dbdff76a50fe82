import type { TrailEvent } from "../read-models/trail.ts";

const COLUMNS = [
  "logIndex",
  "time",
  "service",
  "type",
  "stream",
  "version",
  "actorId",
  "actorRole",
  "actorDepartment",
  "legalBasis",
  "reason",
  "causationId",
  "correlationId",
  "hash",
] as const;

const cells = (e: TrailEvent): string[] => [
  String(e.logIndex),
  e.time,
  e.service,
  e.type,
  e.stream,
  String(e.version),
  e.actor.id,
  e.actor.role,
  e.actor.department ?? "",
  e.legalBasis ?? "",
  e.reason ?? "",
  e.causationId ?? "",
  e.correlationId ?? "",
  e.hash,
];

/** RFC 4180 CSV of a case's timeline (a leading `'` stops a spreadsheet reading a cell as a formula). */
export function timelineCsv(events: readonly TrailEvent[]): string {
  const quote = (v: string) => {
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  const lines = [COLUMNS.join(","), ...events.map((e) => cells(e).map(quote).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

const escapeHtml = (v: string) =>
  v.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** A printable HTML report of a case's timeline, with the checkpoint it was proven against. */
export function timelineHtml(
  caseKey: string,
  events: readonly TrailEvent[],
  checkpoint: { treeSize: number; rootHash: string; signedAt: string; keyId: string },
  exportedAt: string,
): string {
  const rows = events
    .map(
      (e) =>
        `<tr>${cells(e)
          .map((c) => `<td>${escapeHtml(c)}</td>`)
          .join("")}</tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>审计报告 ${escapeHtml(caseKey)}</title>
<style>body{font-family:sans-serif;font-size:10pt}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:2px 4px;vertical-align:top;word-break:break-all}@media print{@page{size:A4 landscape}}</style>
</head><body>
<h1>办件审计报告 / Case audit report: ${escapeHtml(caseKey)}</h1>
<p>导出时间 Exported ${escapeHtml(exportedAt)} · ${events.length} events · checkpoint tree size ${checkpoint.treeSize},
root <code>${escapeHtml(checkpoint.rootHash)}</code>, signed ${escapeHtml(checkpoint.signedAt)} with key ${escapeHtml(checkpoint.keyId)}.</p>
<p>Verify the JSON bundle of this case offline with <code>./scripts/audit verify-bundle &lt;file&gt;</code> (docs/audit.md).</p>
<table><thead><tr>${COLUMNS.map((c) => `<th>${c}</th>`).join("")}</tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
