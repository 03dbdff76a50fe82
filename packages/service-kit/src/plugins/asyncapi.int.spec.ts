import { afterEach, describe, expect, it } from "vitest";
import { type App, buildApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import type { ServiceModule } from "../module.ts";

const module = (name: string): ServiceModule => ({ name, prefix: `/${name}`, routes: async () => {} });

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(modules: ServiceModule[], asyncapi?: () => Promise<unknown>) {
  app = await buildApp({
    modules,
    config: loadConfig({ NODE_ENV: "test" }),
    logger: createLogger({ level: "silent", pretty: false }),
    ...(asyncapi ? { asyncapi } : {}),
  });
  return app;
}

describe("/asyncapi.json", () => {
  it("describes the events of the mounted modules, by their names, without a token", async () => {
    const res = await (await start([module("credit"), module("things")])).inject("/asyncapi.json");
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.asyncapi).toBe("3.0.0");
    expect(Object.keys(doc.channels).sort()).toEqual(["gov.credit.lookup.v1", "gov.credit.subject.v1"]);
    expect(Object.keys(doc.components.messages).every((t) => t.startsWith("gov.credit."))).toBe(true);
  });

  it("serves every module's channels when several are mounted (embedded mode)", async () => {
    const doc = (await (await start([module("matters"), module("intake")])).inject("/asyncapi.json")).json();
    expect(Object.keys(doc.channels)).toEqual(
      expect.arrayContaining(["gov.matters.matter.v1", "gov.intake.application.v1"]),
    );
  });

  it("serves the document it is given instead (a proxy's merge)", async () => {
    const res = await (await start([module("credit")], async () => ({ merged: true }))).inject(
      "/asyncapi.json",
    );
    expect(res.json()).toEqual({ merged: true });
  });

  it("is not in the OpenAPI document", async () => {
    const doc = (await (await start([module("credit")])).inject("/openapi.json")).json();
    expect(Object.keys(doc.paths ?? {})).not.toContain("/asyncapi.json");
  });
});
