import { residentIdCheckCharacter } from "@gov/identifiers";
import { describe, expect, it } from "vitest";
import { personalDataIn, personalDataProblems } from "./personal-data.ts";

const ID = `33010619850312004${residentIdCheckCharacter("33010619850312004")}`;
const WRONG_CHECK = `${ID.slice(0, 17)}${ID[17] === "1" ? "2" : "1"}`;

describe("personal data in free text (GB 11643-1999 check character; mobile numbers 1[3-9]\\d{9})", () => {
  it.each([
    [`身份证号${ID}`, "idNumber"],
    [`${ID.slice(0, 17)}x`.replace(/x$/, ID[17] === "X" ? "x" : (ID[17] as string)), "idNumber"],
    ["联系电话13812345678。", "mobile"],
    ["电话:19912345678", "mobile"],
  ])("finds it in %s", (text, kind) => {
    expect(personalDataIn(text)).toBe(kind);
  });

  it.each([
    [`身份证号${WRONG_CHECK}`],
    ["经11330100002489110X核查"],
    ["91330106MA2H3K7P1E"],
    ["编号 12812345678"],
    ["138123456789"],
    ["被吊销食品经营许可证"],
  ])("finds none in %s", (text) => {
    expect(personalDataIn(text)).toBeUndefined();
  });

  it("names each field at fault, array items by index", () => {
    expect(personalDataProblems({ reason: "ok", duties: ["ok", "13812345678"] }).map((p) => p.field)).toEqual(
      ["duties.1"],
    );
  });
});
