/** A clock a test moves: the commands and scheduled processes of a module under test read it. */
export function testClock(start = "2026-05-06T10:00:00+08:00") {
  let now = Date.parse(start);
  return {
    now: () => new Date(now).toISOString(),
    advanceDays(days: number) {
      now += days * 86_400_000;
    },
    set(instant: string) {
      now = Date.parse(instant);
    },
  };
}
