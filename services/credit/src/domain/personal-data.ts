import { validateResidentId } from "@gov/identifiers";

/** Anything shaped like a 居民身份证号: 17 digits and a digit or X, not inside a longer code. */
const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
/** A mainland mobile number (1[3-9] and 9 more digits), not inside a longer number. */
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

export type PersonalDataKind = "idNumber" | "mobile";

/**
 * What personal data a free text carries, if any: a 居民身份证号 whose birth date and check character are valid
 * (GB 11643-1999 — an 18-digit 统一社会信用代码 rarely passes both) or a mobile number. Pure.
 */
export function personalDataIn(text: string): PersonalDataKind | undefined {
  for (const m of text.matchAll(ID_NUMBER)) if (validateResidentId(m[0]).valid) return "idNumber";
  return MOBILE.test(text) ? "mobile" : undefined;
}

const what: Record<PersonalDataKind, string> = {
  idNumber: "a 居民身份证号",
  mobile: "a mobile number",
};

/**
 * The fields of `texts` (field name → text or texts) that carry personal data, with a message saying where such
 * data belongs: a person is registered as a subject (`POST /credit/subjects`, the number sealed under its own
 * key) and named by its subject id; free text is kept in the clear for ever in the hash-chained log
 * (个人信息保护法 第四十七条: what cannot be erased must not hold personal data).
 */
export function personalDataProblems(
  texts: Record<string, string | readonly string[] | undefined>,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const [field, value] of Object.entries(texts)) {
    const list =
      value === undefined
        ? []
        : typeof value === "string"
          ? [[field, value]]
          : value.map((v, i) => [`${field}.${i}`, v]);
    for (const [name, text] of list as [string, string][]) {
      const kind = personalDataIn(text);
      if (kind)
        problems.push({
          field: name,
          message: `contains ${what[kind]}: free text here is kept in the clear; register a person as a subject (POST /credit/subjects, sealed under its own key) and refer to it by its subject id`,
        });
    }
  }
  return problems;
}
