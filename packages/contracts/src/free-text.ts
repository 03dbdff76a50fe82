import { z } from "zod";

/**
 * Free text (a reason, a note, a notice) never carries personal data in the clear: an ID number or a mobile
 * number typed into it would be stored, published and shown outside the protections the structured fields
 * have (subject ids, encryption, erasure). 个人信息保护法 第五十一条 (加密、去标识化等安全技术措施).
 */

/** What kind of personal data a text holds; never the data itself. */
export type PersonalDataKind = "id-number" | "mobile-number";

// GB 11643-1999: weights of the first 17 digits and the check character of the sum mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

/** An 18-character 公民身份号码 with a real birth date and its GB 11643-1999 check character. */
function isIdNumber(id: string): boolean {
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const date = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== birth || birth < "1900")
    return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * (WEIGHTS[i] as number);
  return CHECK[sum % 11] === id[17]?.toUpperCase();
}

// Runs of digits not inside a longer run (a case number, a hash); `(?<!\d)…(?!\d)`.
const ID_CANDIDATE = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])/g;
const MOBILE = /(?<![0-9])(?:\+?86)?1[3-9][0-9]{9}(?![0-9])/;
// Digits written in groups ("138 0013 8000", "110105-19491231-002X"): the separators between digits go.
const GROUPED = /(?<=[0-9])[\s\-.·]+(?=[0-9Xx])/g;

/**
 * The kinds of personal data in a text: an ID number (valid GB 11643-1999 check character) or a mainland
 * mobile number (`1[3-9]` and 9 digits), also in full-width digits or written in groups.
 */
export function personalDataIn(text: string): PersonalDataKind[] {
  const normal = text.normalize("NFKC");
  const found = new Set<PersonalDataKind>();
  for (const candidate of [normal, normal.replace(GROUPED, "")]) {
    for (const m of candidate.matchAll(ID_CANDIDATE)) if (isIdNumber(m[0])) found.add("id-number");
    if (MOBILE.test(candidate)) found.add("mobile-number");
  }
  return [...found];
}

const described: Record<PersonalDataKind, string> = {
  "id-number": "a 居民身份证号",
  "mobile-number": "a mobile number",
};

/**
 * A free-text field: trimmed, 1 to `max` characters, and refused (naming the field) when it holds an ID number
 * or a mobile number. Such data belongs in the structured applicant fields (`applicant.idNumber`, contact
 * details), which are pseudonymised or encrypted — never in a reason or a note (个人信息保护法 第五十一条).
 */
export function freeText(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((text, ctx) => {
      const kinds = personalDataIn(text);
      if (kinds.length === 0) return;
      ctx.addIssue({
        code: "custom",
        message:
          `holds ${kinds.map((k) => described[k]).join(" and ")}: personal data goes in the structured ` +
          "applicant fields (applicant.idNumber and the like), never in free text (个人信息保护法 第五十一条)",
      });
    });
}
