import fc from "fast-check";

/**
 * Generators for the property-based tests of every service's write routes (arbitrary requests: never a 5xx,
 * a refusal stores nothing). One set, so that every service's routes are probed with the same odd input.
 */

/** Any UTF-16 code unit, lone surrogates often (fast-check's default units never make one). */
export const unit = fc.oneof(
  { arbitrary: fc.nat({ max: 0xffff }).map((n) => String.fromCharCode(n)), weight: 4 },
  { arbitrary: fc.constantFrom("\ud800", "\udbff", "\udc00", "\udfff"), weight: 1 },
  { arbitrary: fc.constantFrom("0", "1", "3", "8", "X", " ", "-"), weight: 2 },
);

/** Any string at all: any code units (lone surrogates too), empty, personal data in free text. */
export const anyText = fc.oneof(
  { arbitrary: fc.string({ unit, maxLength: 30 }), weight: 6 },
  // Free text with personal data in it (个人信息保护法 第五十一条: refused or sealed, never stored in the clear).
  { arbitrary: fc.constantFrom("电话13800138000", "身份证 11010519491231002X", "138 0013 8000"), weight: 1 },
  { arbitrary: fc.constantFrom("", " "), weight: 1 },
);

/** Text a person might type (any well-formed Unicode), and now and then any string at all. */
export const text = fc.oneof(
  { arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }), weight: 6 },
  { arbitrary: anyText, weight: 1 },
);

/** Any JSON value, its strings of any code units. */
export const anyJson = fc.jsonValue({ stringUnit: unit, maxDepth: 3 });

/** Mostly one of the good values, now and then any string, now and then any JSON at all. */
export const field = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof(
    { arbitrary: good, weight: 60 },
    { arbitrary: anyText, weight: 1 },
    { arbitrary: anyJson, weight: 1 },
  );

/** An object of the given fields (each now and then anything), the optional ones now and then absent. */
export const record = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T, required: (keyof T)[]) =>
  fc.record(Object.fromEntries(Object.entries(fields).map(([k, a]) => [k, field(a)])) as T, {
    requiredKeys: required as never[],
  });

/** A body: of the route's shape (fields now and then anything), or any JSON at all. */
export const body = (shaped: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: shaped, weight: 9 }, { arbitrary: anyJson, weight: 1 });
