/**
 * kafkajs 2.2.4 schedules a timer with a negative delay on every connect (its request queue computes "throttled
 * until" minus now from 0; kafkajs issue #1751). Node 24 warns about that with a `TimeoutNegativeWarning` on
 * stderr, which is noise: the timer runs after 1 ms either way. This drops exactly that warning when kafkajs
 * causes it — its type and a call stack through kafkajs — and passes every other warning on untouched (also
 * `--no-warnings` and `--trace-warnings` keep working). Idempotent; `createKafka` installs it.
 */
const INSTALLED = Symbol.for("gov.messaging.kafkajs-timeout-warning-filter");

export function silenceKafkajsTimeoutWarning(): void {
  const proc = process as typeof process & { [INSTALLED]?: true };
  if (proc[INSTALLED]) return;
  proc[INSTALLED] = true;
  const original = process.emitWarning;
  const filtered = function emitWarning(this: unknown, warning: string | Error, ...rest: unknown[]) {
    const option = rest[0];
    const type =
      warning instanceof Error
        ? warning.name
        : typeof option === "string"
          ? option
          : (option as { type?: string } | undefined)?.type;
    if (type === "TimeoutNegativeWarning" && fromKafkajs()) return;
    return (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
}

/** Whether the current call stack runs through kafkajs (the warning is emitted synchronously by setTimeout). */
function fromKafkajs(): boolean {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  Error.captureStackTrace(holder);
  Error.stackTraceLimit = limit;
  return /[\\/]kafkajs[\\/]/.test(holder.stack ?? "");
}
