import { flushTraces } from "@gov/telemetry";
import closeWithGrace from "close-with-grace";
import type { App } from "./app.ts";

/**
 * Graceful shutdown: mark not ready, stop accepting, let in-flight requests finish, then fastify's `onClose`
 * hooks close the modules, their read models and the infrastructure (see `buildApp`). `shutdown()` is what
 * the signal handler runs; tests call it directly.
 */
export async function shutdown(app: App): Promise<void> {
  app.shuttingDown.value = true;
  const closing = app.close();
  // Connections that turn idle after close began (their last in-flight response sent) are closed too.
  const sweep = setInterval(() => app.server.closeIdleConnections?.(), 50);
  try {
    await closing;
  } finally {
    clearInterval(sweep);
  }
  // Spans the exporter still batches (tracing on) leave before the process exits.
  await flushTraces();
}

/** Runs `shutdown` on SIGTERM/SIGINT (a second signal or the timeout forces exit). */
export function installGracefulShutdown(app: App, timeoutMs: number): void {
  closeWithGrace({ delay: timeoutMs }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, "shutting down after an error");
    else app.log.info({ signal }, "shutting down");
    await shutdown(app);
  });
}
