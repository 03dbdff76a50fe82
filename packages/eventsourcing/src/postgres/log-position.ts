import { InvalidEventError } from "../errors.ts";

/**
 * A PostgreSQL log position: the writing transaction's id (xid8) and the event's sequence number, written
 * `"<transaction id>:<position>"`. The log is ordered by the pair, not by the sequence alone (see readAll).
 */
export interface LogPosition {
  transactionId: bigint;
  position: bigint;
}

const pattern = /^(\d{1,20}):(\d{1,19})$/;

export function formatLogPosition(transactionId: string | bigint, position: string | bigint): string {
  return `${transactionId}:${position}`;
}

export function parseLogPosition(value: string): LogPosition {
  const match = pattern.exec(value);
  if (!match) {
    throw new InvalidEventError("after", `"${value}" is not a PostgreSQL log position ("<txid>:<position>")`);
  }
  return { transactionId: BigInt(match[1] as string), position: BigInt(match[2] as string) };
}

/** Orders two positions of the same store: negative, zero or positive, like a sort comparator. */
export function compareLogPositions(a: string, b: string): number {
  const x = parseLogPosition(a);
  const y = parseLogPosition(b);
  if (x.transactionId !== y.transactionId) return x.transactionId < y.transactionId ? -1 : 1;
  if (x.position !== y.position) return x.position < y.position ? -1 : 1;
  return 0;
}
