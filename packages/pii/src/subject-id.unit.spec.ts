import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { identifySubject, organisationSubjectId, personSubjectId, piiKeyFromEnv } from "./subject-id.ts";

const key = Buffer.alloc(32, 7);

describe("subject ids without personal data (个人信息保护法 第五十一条: de-identification)", () => {
  it("derives the same pseudonym from the same 身份证号, whatever the case of its X", () => {
    const id = personSubjectId("11010519491231002X", key);
    expect(id).toMatch(/^P[0-9a-f]{32}$/);
    expect(personSubjectId(" 11010519491231002x ", key)).toBe(id);
    expect(id).not.toContain("110105");
  });

  it("derives another pseudonym under another key, so the id alone reveals nothing", () => {
    expect(personSubjectId("11010519491231002X", Buffer.alloc(32, 8))).not.toBe(
      personSubjectId("11010519491231002X", key),
    );
  });

  it("names an organisation by its 统一社会信用代码", () => {
    expect(organisationSubjectId(" 91350100m000100y43")).toBe("O91350100M000100Y43");
    expect(organisationSubjectId("91350100M000100Y43")).toMatch(/^O[0-9A-HJ-NPQRTUWXY]{18}$/);
  });
});

describe("PII keys from the environment", () => {
  it("reads 64 hex characters or base64 of 32 bytes", () => {
    expect(piiKeyFromEnv("PII_INDEX_KEY", "ab".repeat(32))).toEqual(Buffer.alloc(32, 0xab));
    expect(piiKeyFromEnv("PII_MASTER_KEY", Buffer.alloc(32, 3).toString("base64"))).toEqual(
      Buffer.alloc(32, 3),
    );
  });

  it("uses a fixed development key when absent outside production, and refuses that in production", () => {
    expect(piiKeyFromEnv("PII_INDEX_KEY", undefined, "test")).toEqual(
      piiKeyFromEnv("PII_INDEX_KEY", undefined),
    );
    expect(piiKeyFromEnv("PII_INDEX_KEY", undefined)).not.toEqual(piiKeyFromEnv("PII_MASTER_KEY", undefined));
    expect(() => piiKeyFromEnv("PII_INDEX_KEY", undefined, "production")).toThrow(
      /PII_INDEX_KEY is required/,
    );
    expect(() => piiKeyFromEnv("PII_MASTER_KEY", "", "production")).toThrow(/PII_MASTER_KEY is required/);
  });

  it("documents the development index key: sha256 of a fixed phrase", () => {
    expect(piiKeyFromEnv("PII_INDEX_KEY", undefined)).toEqual(
      createHash("sha256").update("gov-platform development PII index key").digest(),
    );
  });

  it("names the variable when the value is malformed", () => {
    expect(() => piiKeyFromEnv("PII_MASTER_KEY", "too-short")).toThrow(/PII_MASTER_KEY must be 32 bytes/);
    expect(() => piiKeyFromEnv("PII_INDEX_KEY", "zz".repeat(32), "production")).toThrow(/PII_INDEX_KEY/);
    expect(() => piiKeyFromEnv("PII_INDEX_KEY", "ab".repeat(31))).toThrow(/PII_INDEX_KEY/);
    expect(() => piiKeyFromEnv("PII_MASTER_KEY", Buffer.alloc(16).toString("base64"))).toThrow(
      /PII_MASTER_KEY/,
    );
  });

  it("identifySubject: GB 11643-1999 check character required for a person; GB 32100-2015 failures warned, not refused", () => {
    const person = identifySubject({ idNumber: "11010519491231002X" }, key);
    expect(person).toEqual({
      ok: true,
      subjectId: personSubjectId("11010519491231002X", key),
      kind: "person",
      checksumOk: true,
      warnings: [],
    });
    expect(identifySubject({ idNumber: "110105194912310021" }, key)).toMatchObject({
      ok: false,
      field: "idNumber",
    });
    const early = identifySubject({ creditCode: "91330106MA2K5N9R4A", name: "早期企业" }, key);
    expect(early).toMatchObject({ ok: true, kind: "organisation", checksumOk: false, name: "早期企业" });
    expect(early.ok && early.warnings.length).toBe(1);
    expect(identifySubject({ creditCode: "91330106MA2K5N9R4F" }, key)).toMatchObject({
      ok: true,
      subjectId: "O91330106MA2K5N9R4F",
      checksumOk: true,
      warnings: [],
    });
    expect(identifySubject({ creditCode: "short" }, key)).toMatchObject({ ok: false, field: "creditCode" });
  });
});
