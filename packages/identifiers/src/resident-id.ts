/**
 * 居民身份证号 (GB 11643-1999 公民身份号码): 6-digit region code, 8-digit birth date, 3-digit
 * sequence, 1 check character. Check = `1 0 X 9 8 7 6 5 4 3 2`[Σ(digit × weight) mod 11] with weights
 * 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = "10X98765432";

export type ResidentIdProblem = "format" | "birth-date" | "check-character";

export type ResidentIdResult =
  | { valid: true; normalized: string; birthDate: string; regionCode: string }
  | { valid: false; problem: ResidentIdProblem; message: string };

export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK_CHARS[sum % 11] as string;
}

export function validateResidentId(input: string): ResidentIdResult {
  const id = input.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) {
    return { valid: false, problem: "format", message: "must be 17 digits followed by a digit or X" };
  }
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const parsed = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== birth || birth < "1900-01-01") {
    return { valid: false, problem: "birth-date", message: `positions 7–14 are not a birth date (${birth})` };
  }
  const expected = residentIdCheckCharacter(id.slice(0, 17));
  if (id[17] !== expected) {
    return { valid: false, problem: "check-character", message: "the check character does not match" };
  }
  return { valid: true, normalized: id, birthDate: birth, regionCode: id.slice(0, 6) };
}

/** Masks all but the first 3 and last 2 characters, for display and logs (个人信息保护法). */
export function maskResidentId(id: string): string {
  return id.length <= 5
    ? "*".repeat(id.length)
    : `${id.slice(0, 3)}${"*".repeat(id.length - 5)}${id.slice(-2)}`;
}
