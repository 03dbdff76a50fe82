import { describe, expect, it } from "vitest";
import { diffStates, type FoldedEvent, stateAt, withOwnerStates } from "./fold.ts";
import { caseKeys, whyOf } from "./keys.ts";

const ev = (version: number, time: string, type: string, data: Record<string, string>): FoldedEvent => ({
  stream: "application-a1",
  service: "intake",
  type,
  time,
  version,
  data,
});

describe("audit trail: case keys and the generic point-in-time fold", () => {
  it("indexes an event under its caseid and every case field of its data, nested ones too", () => {
    expect(
      caseKeys({
        caseid: "a1",
        data: {
          caseNumber: "330100-2026-000001",
          decision: { certificateNumber: "C-9" },
          subjectId: "O9133",
        },
      }).sort(),
    ).toEqual(["330100-2026-000001", "C-9", "O9133", "a1"]);
    expect(caseKeys({ data: { name: "x" } })).toEqual([]);
  });

  it("keeps the legal basis and the reason an event gives (行政许可法 第三十八条: refusals state reasons)", () => {
    expect(whyOf({ legalBasis: "《行政许可法》第三十八条", reason: "材料不符合法定形式" })).toEqual({
      legalBasis: "《行政许可法》第三十八条",
      reason: "材料不符合法定形式",
    });
    expect(whyOf({ purpose: "核查" })).toEqual({ reason: "核查" });
  });

  it("folds up to the instant, and the diff names the fields that changed", () => {
    const events = [
      ev(0, "2026-03-02T01:00:00.000Z", "gov.intake.application.submitted.v1", {
        status: "submitted",
        matter: "m",
      }),
      ev(1, "2026-03-02T02:00:00.000Z", "gov.intake.application.accepted.v1", {
        status: "accepted",
        caseNumber: "N1",
      }),
    ];
    const early = stateAt(events, "2026-03-02T01:30:00.000Z");
    expect(early["application-a1"]).toMatchObject({ revision: 0, fields: { status: "submitted" } });
    const late = stateAt(events, "2026-03-02T03:00:00.000Z");
    expect(late["application-a1"]).toMatchObject({
      revision: 1,
      lastType: "gov.intake.application.accepted.v1",
    });
    expect(stateAt(events, "2026-03-01T00:00:00.000Z")).toEqual({});
    expect(diffStates(early, late)).toEqual([
      {
        stream: "application-a1",
        service: "intake",
        kind: "changed",
        fromRevision: 0,
        fromType: "gov.intake.application.submitted.v1",
        toRevision: 1,
        toType: "gov.intake.application.accepted.v1",
        fields: [
          { field: "caseNumber", to: "N1" },
          { field: "status", from: "submitted", to: "accepted" },
        ],
      },
    ]);
    expect(diffStates({}, early)[0]).toMatchObject({ kind: "appeared", toRevision: 0 });
  });

  it("marks a stream erased from its identity-erased event on (个人信息保护法 第四十七条)", () => {
    const events = [
      { ...ev(0, "2026-03-02T01:00:00.000Z", "gov.credit.subject.registered.v1", {}), stream: "subject-P1" },
      {
        ...ev(1, "2026-03-03T01:00:00.000Z", "gov.credit.subject.identity-erased.v1", {}),
        stream: "subject-P1",
      },
    ];
    expect(stateAt(events, "2026-03-02T12:00:00.000Z")["subject-P1"]?.erased).toBe(false);
    expect(stateAt(events, "2026-03-04T00:00:00.000Z")["subject-P1"]?.erased).toBe(true);
  });

  it("adds each stream's state folded with its owner's evolve, personal data masked, up to the instant", () => {
    const subject = (
      version: number,
      time: string,
      type: string,
      data: Record<string, unknown>,
    ): FoldedEvent => ({
      stream: "subject-P1",
      service: "credit",
      type,
      time,
      version,
      data: data as never,
    });
    const raw = [
      subject(0, "2026-03-02T01:00:00.000Z", "gov.credit.subject.registered.v1", {
        subjectId: "P1",
        kind: "person",
        identity: { keyId: "k", ciphertext: "…" },
      }),
      subject(1, "2026-03-03T01:00:00.000Z", "gov.credit.subject.listing-proposed.v1", {
        subjectId: "P1",
        listingId: "L1",
        list: "black",
        sealedText: { keyId: "k", ciphertext: "…" },
        source: { kind: "finding" },
        measuresVersion: "1",
      }),
      {
        ...ev(0, "2026-03-02T01:00:00.000Z", "gov.review-and-monitor.inspection.recorded.v1", {}),
        stream: "inspection-I1",
      },
    ];
    const at = "2026-03-04T00:00:00.000Z";
    const states = withOwnerStates(stateAt(raw, at), raw, at, new Set(["identity", "sealedText"]));
    expect(states["subject-P1"]?.state).toMatchObject({
      status: "registered",
      kind: "person",
      listings: { L1: { list: "black", stage: "notified", sealedText: "(sealed)" } },
    });
    expect(JSON.stringify(states["subject-P1"]?.state)).not.toContain("ciphertext");
    // A category no service folds (an inspection record) keeps only the recorded fields.
    expect(states["inspection-I1"]?.state).toBeUndefined();
    // Before the listing, the owner's state had no listing yet.
    const before = "2026-03-02T12:00:00.000Z";
    expect(withOwnerStates(stateAt(raw, before), raw, before, new Set())["subject-P1"]?.state).toMatchObject({
      listings: {},
    });
  });
});
