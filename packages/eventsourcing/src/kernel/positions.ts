/**
 * Orders two global log positions of the same store: negative, zero or positive, like a sort comparator.
 * Every adapter writes positions as unsigned integers or tuples of them (SQLite `42`, PostgreSQL
 * `<transaction id>:<sequence>`, EventStoreDB `<commit>/<prepare>`), ordered by the tuple; this compares
 * them without knowing which adapter wrote them.
 */
export function comparePositions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? -1n;
    const q = y[i] ?? -1n;
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

/** Whether a string is a log position any adapter could have written (for input checks at the edge). */
export function isLogPosition(value: string): boolean {
  return /^\d{1,20}([:/]\d{1,20})?$/.test(value);
}

function parts(position: string): bigint[] {
  if (!isLogPosition(position)) throw new RangeError(`not a log position: ${position}`);
  return position.split(/[:/]/).map((p) => BigInt(p));
}
