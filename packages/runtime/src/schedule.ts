/**
 * Runs a module's scheduled process every `intervalMs` (0: never; it then runs only when asked), one run at a
 * time, and only once `ready()` says the read model it reads has caught up. A failed run is retried next time.
 */
export function startSchedule(intervalMs: number, ready: () => boolean, run: () => Promise<unknown>) {
  let running: Promise<unknown> = Promise.resolve();
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          running = running.then(() => (ready() ? run() : undefined)).catch(() => undefined);
        }, intervalMs)
      : undefined;
  timer?.unref();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
