import fp from "fastify-plugin";
import type { ServiceModule } from "../module.ts";

declare module "fastify" {
  interface FastifyInstance {
    /**
     * Loads every module's demo data, in module order (a later module's may build on an earlier one's). Runs
     * once: later calls return the same promise.
     */
    seedDemo(): Promise<void>;
  }
}

export interface DemoDataPluginOptions {
  modules: readonly Pick<ServiceModule, "name" | "seedDemo">[];
  /** The service promises demo data: readiness fails (`demo-data`) until `seedDemo()` has finished. */
  required: boolean;
}

/** `app.seedDemo()`, and with `required` the `demo-data` readiness check that waits for it. */
export const demoDataPlugin = fp<DemoDataPluginOptions>(
  async (app, { modules, required }) => {
    let state: "not-started" | "loading" | "loaded" | { failed: string } = "not-started";
    let seeding: Promise<void> | undefined;
    app.decorate("seedDemo", () => {
      seeding ??= (async () => {
        state = "loading";
        try {
          for (const m of modules) await m.seedDemo?.();
          state = "loaded";
        } catch (error) {
          state = { failed: error instanceof Error ? error.message : String(error) };
          throw error;
        }
      })();
      return seeding;
    });
    if (!required) return;
    app.readiness.add({
      name: "demo-data",
      check: async () => {
        if (state === "loaded") return;
        if (state === "not-started") throw new Error("the demo data has not been loaded yet");
        if (state === "loading") throw new Error("the demo data is still loading");
        throw new Error(`loading the demo data failed: ${state.failed}`);
      },
    });
  },
  { name: "gov-demo-data", fastify: "5.x", dependencies: ["gov-health"] },
);
