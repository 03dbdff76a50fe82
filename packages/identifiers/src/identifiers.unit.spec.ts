import { describe, expect, it } from "vitest";
import {
  creditCodeCheckCharacter,
  maskResidentId,
  residentIdCheckCharacter,
  validateCreditCode,
  validateResidentId,
} from "./index.ts";

describe("居民身份证号 (GB 11643-1999 公民身份号码)", () => {
  it("accepts a well-formed number whose check character is X", () => {
    // The standard's own worked example: 11010519491231002X
    const r = validateResidentId("11010519491231002x");
    expect(r).toEqual({
      valid: true,
      normalized: "11010519491231002X",
      birthDate: "1949-12-31",
      regionCode: "110105",
    });
  });

  it("computes check characters by weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, mod 11 → 10X98765432", () => {
    expect(residentIdCheckCharacter("11010519491231002")).toBe("X");
    expect(residentIdCheckCharacter("44030419900307012")).toBe("2");
    expect(validateResidentId("440304199003070122")).toMatchObject({ valid: true, birthDate: "1990-03-07" });
  });

  it("rejects a wrong check character", () => {
    expect(validateResidentId("110105194912310021")).toMatchObject({
      valid: false,
      problem: "check-character",
    });
  });

  it("rejects an impossible birth date and a malformed string", () => {
    expect(validateResidentId("110105194902301234")).toMatchObject({ valid: false, problem: "birth-date" });
    expect(validateResidentId("11010519491231002")).toMatchObject({ valid: false, problem: "format" });
    expect(validateResidentId("1101051949123100YX")).toMatchObject({ valid: false, problem: "format" });
  });

  it("masks all but the first 3 and last 2 characters", () => {
    expect(maskResidentId("11010519491231002X")).toBe("110*************2X");
  });
});

describe("统一社会信用代码 (GB 32100-2015 法人和其他组织统一社会信用代码编码规则)", () => {
  it("accepts a real-format code with a correct check character", () => {
    // 91350100M000100Y43: the standard's example, check character 3
    expect(creditCodeCheckCharacter("91350100M000100Y4")).toBe("3");
    expect(validateCreditCode("91350100m000100y43")).toEqual({
      valid: true,
      normalized: "91350100M000100Y43",
      checksumOk: true,
      regionCode: "350100",
    });
  });

  it("maps a remainder of 0 to check character 0 (31 → 0)", () => {
    // find a 17-char prefix whose weighted sum is a multiple of 31 by adjusting the last position
    const base = "9111000010000000";
    const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const prefix = [...charset].map((c) => base + c).find((p) => creditCodeCheckCharacter(p) === "0");
    expect(prefix).toBeDefined();
    expect(validateCreditCode(`${prefix}0`)).toMatchObject({ valid: true, checksumOk: true });
  });

  it("accepts an early code that fails the checksum, with a warning (GB 32100-2015 codes issued before the check character was enforced)", () => {
    const r = validateCreditCode("91350100M000100Y44");
    expect(r).toMatchObject({ valid: true, checksumOk: false });
    expect(r.valid && !r.checksumOk ? r.warning : "").toMatch(/check character/);
  });

  it("rejects forbidden characters, wrong length and a non-numeric region", () => {
    expect(validateCreditCode("91350100M000100I43")).toMatchObject({ valid: false });
    expect(validateCreditCode("91350100M000100Y4")).toMatchObject({
      valid: false,
      message: "must be 18 characters",
    });
    expect(validateCreditCode("91A50100M000100Y43")).toMatchObject({ valid: false });
  });
});
