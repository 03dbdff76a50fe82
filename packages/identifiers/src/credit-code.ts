/**
 * 统一社会信用代码 (GB 32100-2015 法人和其他组织统一社会信用代码编码规则): 18 characters over `0123456789ABCDEFGHJKLMNPQRTUWXY`
 * (no I, O, Z, S, V). Position 1: registering authority; 2: organisation kind; 3–8: region code;
 * 9–17: organisation code; 18: check = 31 − (Σ value × 3^(i−1) mod 31 … mod 31), 31 → 0.
 * Some early codes fail the checksum: they are accepted with a warning, not rejected.
 */
const CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type CreditCodeResult =
  | { valid: true; normalized: string; checksumOk: true; regionCode: string }
  | { valid: true; normalized: string; checksumOk: false; regionCode: string; warning: string }
  | { valid: false; message: string };

export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(first17[i] as string) * (WEIGHTS[i] as number);
  const check = 31 - (sum % 31);
  return CHARSET[check === 31 ? 0 : check] as string;
}

export function validateCreditCode(input: string): CreditCodeResult {
  const code = input.trim().toUpperCase();
  if (code.length !== 18) return { valid: false, message: "must be 18 characters" };
  for (const ch of code) {
    if (!CHARSET.includes(ch)) {
      return {
        valid: false,
        message: `character '${ch}' is not allowed (0-9 and A-Z without I, O, S, V, Z)`,
      };
    }
  }
  const regionCode = code.slice(2, 8);
  if (!/^\d{6}$/.test(regionCode))
    return { valid: false, message: "positions 3–8 must be a 6-digit region code" };
  if (code[17] !== creditCodeCheckCharacter(code.slice(0, 17))) {
    return {
      valid: true,
      normalized: code,
      checksumOk: false,
      regionCode,
      warning: "the check character does not match; some early codes were issued this way, so it is accepted",
    };
  }
  return { valid: true, normalized: code, checksumOk: true, regionCode };
}
