import { describe, expect, it } from "vitest";
import { z } from "zod";
import { freeText, personalDataIn } from "./free-text.ts";

// Valid GB 11643-1999 公民身份号码 (check characters computed, birth dates real); none is a real person's.
const ID_X = "11010519491231002X";
const ID = "440300199003071234";
const WRONG_CHECK = "440300199003071235";

describe("free text never carries personal data in the clear (个人信息保护法 第五十一条)", () => {
  it.each([
    [`申请人身份证号${ID_X}，材料不全`, ["id-number"]],
    [`id ${ID.toLowerCase()} lower case is the same`, ["id-number"]],
    [`${ID_X.slice(0, 17)}x (lower-case check character)`, ["id-number"]],
    ["请联系13800138000补正", ["mobile-number"]],
    ["+8613912345678 or 8613912345678", ["mobile-number"]],
    ["电话 138 0013 8000", ["mobile-number"]],
    ["电话 138-0013-8000", ["mobile-number"]],
    ["身份证 440300 19900307 1234", ["id-number"]],
    ["全角１３８００１３８０００", ["mobile-number"]],
    [`两者都有 ${ID} 与 15912345678`, ["id-number", "mobile-number"]],
  ])("finds the personal data in %j", (text, kinds) => {
    expect(personalDataIn(text).sort()).toEqual([...kinds].sort());
  });

  it.each([
    "材料M03缺少盖章页",
    "不属于本机关职权范围（行政许可法 第三十二条）",
    `check character wrong: ${WRONG_CHECK}`,
    "not a birth date: 440300199013071234 (month 13)",
    "a 统一社会信用代码 is no ID number: 913301061234567890",
    "12800138000 (no 12x mobile prefix)",
    "a longer run is no phone: 1380013800012345",
    "办件编号 11330100002490234Q3000123007000202609290001",
    `sha256 ${"a1".repeat(32)}`,
    "dates 2026-09-29 and 2026-10-09, 5 working days",
  ])("leaves %j alone", (text) => {
    expect(personalDataIn(text)).toEqual([]);
  });

  it("freeText(max) refuses such text naming the field and saying where the data belongs, without echoing it", () => {
    const schema = z.object({ reason: freeText(100) });
    const refused = schema.safeParse({ reason: `申请人 ${ID_X} 撤回` });
    expect(refused.success).toBe(false);
    const issue = refused.error?.issues[0];
    expect(issue?.path).toEqual(["reason"]);
    expect(issue?.message).toMatch(/居民身份证号.*structured applicant fields.*个人信息保护法 第五十一条/);
    expect(issue?.message).not.toContain(ID_X);
    expect(schema.safeParse({ reason: "电话13800138000" }).error?.issues[0]?.message).toMatch(
      /mobile number/,
    );
  });

  it("freeText(max) is trimmed, non-empty and bounded like the fields it replaces", () => {
    const schema = freeText(5);
    expect(schema.parse("  不再需要 ")).toBe("不再需要");
    expect(schema.safeParse("   ").success).toBe(false);
    expect(schema.safeParse("123456").success).toBe(false);
  });
});
