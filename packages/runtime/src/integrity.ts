import { onIntegrityFailure } from "@gov/eventsourcing";
import { Counter, type Registry } from "prom-client";

let failuresMetric: Counter<"category" | "reason"> | undefined;

/**
 * Registers `store_integrity_failures_total{category, reason}` (once per registry): every stream the kernel
 * found tampered with when it loaded it for a command (`IntegrityError`), by stream category and reason
 * (`hash-mismatch`, `broken-link`, `missing-revision`). Any increase is an alert.
 */
export function registerIntegrityMetrics(registry: Registry): void {
  if (!failuresMetric) {
    const counter = new Counter({
      name: "store_integrity_failures_total",
      help: "streams that failed their hash-chain check when loaded for a command, by category and reason",
      labelNames: ["category", "reason"],
      registers: [],
    });
    onIntegrityFailure((error) =>
      counter.inc({ category: error.streamId.split("-")[0] ?? "unknown", reason: error.reason }),
    );
    failuresMetric = counter;
  }
  if (!registry.getSingleMetric("store_integrity_failures_total")) registry.registerMetric(failuresMetric);
}
