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

/**
 * A working day (a Tuesday) far enough from the year's end that every limit the platform counts from it, up to 37
 * working days, ends inside 2026, whose working-day calendar is published. A test that runs the platform on the
 * system clock would start failing each December, when a limit counted from today ends in a year whose calendar
 * is not out yet (the platform then refuses with 409, docs/calendar.md); it runs on this day instead.
 */
export const FIXED_TEST_DAY = "2026-11-10T10:00:00+08:00";

/**
 * A platform clock set to read `instant` from now on, for every process alike (restarts included): the value of
 * CLOCK_OFFSET_MS (with CLOCK=adjustable), or the embedded gateway's `clockOffsetMs`. `now()` is the platform's
 * time as the test sees it.
 */
export function fixedPlatformClock(instant = FIXED_TEST_DAY) {
  const offsetMs = Date.parse(instant) - Date.now();
  return { offsetMs, now: () => new Date(Date.now() + offsetMs) };
}
