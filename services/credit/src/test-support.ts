import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { embeddedTestStore } from "@gov/eventsourcing/testing";
import { EmbeddedEventBus } from "@gov/messaging";
import { runtimeConfig } from "@gov/runtime";
import { type App, buildApp, createLogger, loadConfig, mintToken, type Role } from "@gov/service-kit";
import { testClock } from "@gov/testing";
import { z } from "zod";
import { creditModule } from "./module.ts";

export { testClock };

/** The credit module on a real SQLite store and key vault in a temp folder, behind the service kit's app. */
export async function creditTestApp() {
  const t = await embeddedTestStore();
  const dir = mkdtempSync(join(tmpdir(), "credit-"));
  const settings = z.object(runtimeConfig).parse({ DATA_DIR: dir, EVENT_BUS: "embedded" });
  const bus = new EmbeddedEventBus(t.store, t.store.checkpoints);
  const clock = testClock();
  const module = await creditModule(
    { store: t.store, bus, settings },
    { clock: clock.now, schedulerIntervalMs: 0 },
  );
  const app: App = await buildApp({
    modules: [module],
    config: loadConfig({ NODE_ENV: "test" }),
    logger: createLogger({ level: "silent", pretty: false }),
  });
  const as = async (role: Role, sub = `${role}-1`) => ({
    authorization: `Bearer ${await mintToken({ sub, role })}`,
  });
  return {
    app,
    store: t.store,
    module,
    clock,
    dir,
    as,
    newEvents: t.newEvents,
    async dispose() {
      await app.close();
      for (const m of app.modules) await m.close?.();
      await bus.close();
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
