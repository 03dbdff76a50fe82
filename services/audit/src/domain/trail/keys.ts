import type { RecordedEvent } from "@gov/eventsourcing";

/**
 * The data fields that name a case, whichever service wrote the event: the application id, the 办件编号, a
 * certificate's number and the credit subject. Indexing by field name (not by event type) covers services whose
 * events land later (approval, review-and-monitor) without a change here.
 */
export const CASE_KEY_FIELDS = [
  "applicationId",
  "caseId",
  "caseNumber",
  "certificateId",
  "certificateNumber",
  "subjectId",
] as const;

/** Fields that say why: a reason or the legal basis the event cites. */
const WHY_FIELDS = ["legalBasis", "reason", "ground", "basis", "purpose"] as const;

/** Every key under which the event belongs to a case: its envelope `caseid` and the case fields of its data. */
export function caseKeys(event: Pick<RecordedEvent, "caseid" | "data">): string[] {
  const keys = new Set<string>();
  if (event.caseid) keys.add(event.caseid);
  collect(event.data, keys, 0);
  return [...keys];
}

function collect(value: unknown, keys: Set<string>, depth: number): void {
  if (depth > 3 || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const v of value) collect(v, keys, depth + 1);
    return;
  }
  for (const [field, v] of Object.entries(value)) {
    if (
      (CASE_KEY_FIELDS as readonly string[]).includes(field) &&
      typeof v === "string" &&
      v.length > 0 &&
      v.length <= 200
    ) {
      keys.add(v);
    } else {
      collect(v, keys, depth + 1);
    }
  }
}

/** The reason or legal basis the event gives, where it has one (top-level data fields only). */
export function whyOf(data: unknown): { legalBasis?: string; reason?: string } {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return {};
  const d = data as Record<string, unknown>;
  const out: { legalBasis?: string; reason?: string } = {};
  if (typeof d.legalBasis === "string") out.legalBasis = d.legalBasis;
  for (const field of WHY_FIELDS) {
    if (field === "legalBasis") continue;
    const v = d[field];
    if (typeof v === "string") {
      out.reason = v;
      break;
    }
  }
  return out;
}

/** The service that wrote an event, from its `source` (`gov.intake` → `intake`). */
export function serviceOf(source: string): string {
  return source.startsWith("gov.") ? source.slice(4) : source;
}
