import type { NewEvent } from "@gov/eventsourcing";
import type { BusEvent } from "@gov/messaging";
import { describe, expect, it } from "vitest";
import { followedTopics, reportFor } from "./case-events.ts";
import { applicationIdOf, permitEvents, permitIdOf } from "./case-fixtures.ts";

/** A fixture event as the bus hands it over (the store's additions do not matter to the mapping). */
const onBus = (subject: string, e: NewEvent, streamversion: number): BusEvent => ({
  ...e,
  specversion: "1.0",
  subject,
  streamversion,
  prevhash: "0".repeat(64),
  hash: "0".repeat(64),
});
const permit = (options?: { caseId?: boolean }) => {
  const p = permitEvents("U", 0, options);
  if (!p) throw new Error("application 0 is accepted in the fixtures");
  return p.events.map((e, n) => onBus(p.streamId, e, n));
};

describe("reportFor: approval's CertificateDelivered is the 领证 step (行政许可法 第四十四条 颁发、送达)", () => {
  it("follows approval's permit topic", () => {
    expect(followedTopics).toContain("gov.approval.permit.v1");
  });

  it("maps to ReportDelivery on the case's stream: method, certificate number, date; no tracking number or officer", () => {
    const [issued, delivered] = permit();
    expect(reportFor(issued as BusEvent)).toBeUndefined(); // issuing is not a step of the exchange
    const report = reportFor(delivered as BusEvent);
    expect(report).toEqual({
      applicationId: applicationIdOf("U", 0),
      command: {
        type: "ReportDelivery",
        data: {
          source: {
            eventId: delivered?.id,
            type: "gov.approval.permit.certificate-delivered.v1",
            occurredAt: delivered?.time,
          },
          method: "ems",
          certificateNo: `${permitIdOf("U", 0)}-01`,
          deliveredOn: "2026-11-02",
        },
      },
    });
    const text = JSON.stringify(report);
    expect(text).not.toContain("EMS000000000CN");
    expect(text).not.toContain("officer-1");
  });

  it("a delivery recorded before CertificateDelivered named its case is skipped, with the reason", () => {
    const [, delivered] = permit({ caseId: false });
    expect(delivered?.data).not.toHaveProperty("caseId");
    expect(reportFor(delivered as BusEvent)).toEqual({
      skipped: "the delivery names no case (recorded before CertificateDelivered had caseId)",
    });
  });
});
