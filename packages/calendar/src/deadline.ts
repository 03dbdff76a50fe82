/**
 * The platform's one rule for how near a deadline is, used wherever a deadline is shown or warned about: approval's
 * case and inbox flags, and review-and-monitor's 时限预警 (yellow, then red), so that an officer's inbox and the
 * supervisor's warning list never disagree about the same case on the same day.
 * - **red**: overdue, the day after the due date and later (the due date itself is still within the limit:
 *   行政许可法 第四十二条 counts the limit's last day as a day to act on);
 * - **yellow**: at most `yellowDays` working days are left (the due date itself counts as 0 left);
 * - **green**: otherwise.
 */
export type DeadlineLevel = "green" | "yellow" | "red";

/** Working days left that turn a deadline yellow, unless a province configures another number. */
export const DEFAULT_YELLOW_DAYS = 2;

/**
 * The level of a deadline due on `dueOn`, seen on `today`, with `leftDays` working days left from `today` to
 * `dueOn` (0 on the due date; what `WorkingDayCalendar.workingDaysBetween(today, dueOn)` gives).
 */
export function deadlineLevel(
  today: string,
  dueOn: string,
  leftDays: number,
  yellowDays: number = DEFAULT_YELLOW_DAYS,
): DeadlineLevel {
  if (today > dueOn) return "red";
  return leftDays <= yellowDays ? "yellow" : "green";
}
