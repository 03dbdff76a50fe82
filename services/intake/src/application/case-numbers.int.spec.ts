import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventStore } from "@gov/eventsourcing";
import { openSqliteEventStore } from "@gov/eventsourcing/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { allocateCaseNumber } from "./case-numbers.ts";

const code = "11330100002488070730001100190002";
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function countingStore() {
  const dir = mkdtempSync(join(tmpdir(), "case-numbers-"));
  dirs.push(dir);
  const store = openSqliteEventStore({ path: join(dir, "platform.db") });
  let appends = 0;
  const counted: EventStore = new Proxy(store, {
    get(target, key) {
      if (key === "append")
        return (...args: Parameters<EventStore["append"]>) => {
          appends += 1;
          return target.append(...args);
        };
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: counted, appends: () => appends, close: () => store.close() };
}

describe("办件编号 allocation (全国一体化在线政务服务平台 办件编码: 实施编码 + date + 4-digit daily serial)", () => {
  it("gives twelve concurrent acceptances in one process serials 0001–0012, one append each (no race, no retry)", async () => {
    const { store, appends, close } = countingStore();
    const numbers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        allocateCaseNumber(store, {
          implementationCode: code.slice(0, 31),
          date: "2026-11-30",
          applicationId: `A${i}`,
          now: "2026-11-30T02:00:00.000Z",
        }),
      ),
    );
    expect(numbers.map((n) => n.slice(-4)).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(4, "0")),
    );
    expect(numbers.every((n) => n.startsWith(`${code.slice(0, 31)}20261130`))).toBe(true);
    expect(appends()).toBe(12);
    await close();
  });

  it("asking again for the same application returns its serial, without drawing a new one", async () => {
    const { store, close } = countingStore();
    const input = {
      implementationCode: code.slice(0, 31),
      date: "2026-11-30",
      now: "2026-11-30T02:00:00.000Z",
    };
    const first = await allocateCaseNumber(store, { ...input, applicationId: "A1" });
    const [again, other] = await Promise.all([
      allocateCaseNumber(store, { ...input, applicationId: "A1" }),
      allocateCaseNumber(store, { ...input, applicationId: "A2" }),
    ]);
    expect(again).toBe(first);
    expect(other.slice(-4)).toBe("0002");
    await close();
  });
});
