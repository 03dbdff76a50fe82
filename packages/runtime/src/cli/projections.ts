import { readdirSync } from "node:fs";
import { listBuilds, requestRebuild } from "@gov/eventsourcing/projections";
import { z } from "zod";
import { runtimeConfig } from "../config.ts";
import { openProjectionDatabase } from "../projection-db.ts";

// `./scripts/projections status | rebuild <name>` (docs/projections.md). A projection's name starts with its
// service (`intake_applications` → the service `intake`), which names the projection database to open.
const settings = z.object(runtimeConfig).parse(process.env);
const [command, name] = process.argv.slice(2);

const servicesWithProjections = (): string[] => {
  // PostgreSQL: one schema per service that keeps projections (`<service>_projections`).
  if (settings.EVENT_STORE === "postgres")
    return ["matters", "credit", "intake", "exchange", "audit", "approval", "review"];
  try {
    return readdirSync(settings.DATA_DIR)
      .filter((f) => f.endsWith("-projections.db"))
      .map((f) => f.slice(0, -"-projections.db".length));
  } catch {
    return [];
  }
};

if (command === "status") {
  for (const service of servicesWithProjections()) {
    const db = await openProjectionDatabase(settings, service);
    try {
      process.stdout.write(`${service} (${db.location})\n`);
      for (const b of await listBuilds(db).catch(() => [])) {
        if (name && b.projection !== name) continue;
        process.stdout.write(
          `  ${b.projection} build ${b.build} v${b.version} ${b.state.padEnd(8)} position ${b.position ?? "-"}` +
            `${b.switched_at ? ` switched ${b.switched_at}` : ""}${b.retired_at ? ` retired ${b.retired_at}` : ""}\n`,
        );
      }
    } finally {
      await db.close();
    }
  }
} else if (command === "rebuild" && name) {
  const service = name.split("_")[0] as string;
  const db = await openProjectionDatabase(settings, service);
  try {
    const build = await requestRebuild(db, name, new Date().toISOString());
    process.stdout.write(
      `${name}: build ${build} requested; the running ${service} service builds it and switches when it has caught up\n`,
    );
  } finally {
    await db.close();
  }
} else {
  process.stderr.write("usage: ./scripts/projections status [name] | rebuild <name>\n");
  process.exit(2);
}
