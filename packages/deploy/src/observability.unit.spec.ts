import { describe, expect, it } from "vitest";
import { exposedNames, metricsIn, observabilityExpressions, unknownMetrics } from "./observability.ts";

describe("infra/observability metric references", () => {
  it("reads metric names out of PromQL, not functions, labels, ranges or keywords", () => {
    const expr =
      'histogram_quantile(0.99, sum by (job, le) (rate(http_request_duration_seconds_bucket{job=~"$service"}[5m]))) > 1 and on (job) up';
    expect(metricsIn(expr).names.sort()).toEqual(["http_request_duration_seconds_bucket", "up"]);
    expect(
      metricsIn('{__name__=~".+_projection_lag"}').patterns[0]?.test("credit_registry_projection_lag"),
    ).toBe(true);
  });

  it("knows a histogram's series from its TYPE line", () => {
    const names = exposedNames("# HELP x_seconds x\n# TYPE x_seconds histogram\n# TYPE y gauge\n");
    expect([...names].sort()).toEqual([
      "x_seconds",
      "x_seconds_bucket",
      "x_seconds_count",
      "x_seconds_sum",
      "y",
    ]);
  });

  it("the dashboard covers requests, errors, p99, consumer lag, relay lag, scheduler runs and append latency", () => {
    const all = observabilityExpressions()
      .map((e) => e.expr)
      .join("\n");
    for (const metric of [
      "http_requests_total",
      "http_request_errors_total",
      "http_request_duration_seconds_bucket",
      "messaging_consumer_lag",
      "relay_lag_seconds",
      "scheduler_runs_total",
      "event_store_append_duration_seconds_bucket",
      "service_ready",
    ]) {
      expect(all, metric).toContain(metric);
    }
  });

  it("reports a name that no /metrics page exposes", () => {
    expect(unknownMetrics(new Set(["http_requests_total"])).length).toBeGreaterThan(0);
  });
});
