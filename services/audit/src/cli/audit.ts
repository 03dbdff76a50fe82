// `./scripts/audit` (docs/audit.md): an auditor's command line on the platform's store, with the same settings
// as the services (DATA_DIR, EVENT_STORE, DATABASE_URL, AUDIT_SIGNING_KEY). Reads are recorded like the API's.
//   timeline <case> --reason <why> [--as <auditor id>]
//   at <case> <ISO instant> --reason <why>
//   verify                      the whole store: every chain, the trail, every signed checkpoint
//   export <case> --reason <why> [--out <file>]   a signed bundle (JSON) to hand over
//   verify-bundle <file> [--key <public key>]     offline: no platform, database or network
import { writeFileSync } from "node:fs";
import { startProjection } from "@gov/eventsourcing/projections";
import { auditKeyFromEnv, openProjectionDatabase, openStore, runtimeConfig } from "@gov/runtime";
import { z } from "zod";
import { recordRead } from "../application/access.ts";
import { CaseQueries } from "../application/cases.ts";
import { AuditLedger } from "../application/ledger.ts";
import { verifyStore } from "../application/verify-store.ts";
import { Trail, trailProjection } from "../read-models/trail.ts";
import { verifyBundleCli } from "./verify-bundle.ts";

const [command, ...args] = process.argv.slice(2);
const out = (line: string) => process.stdout.write(`${line}\n`);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
};

if (command === "verify-bundle") {
  process.exitCode = verifyBundleCli(args, out);
} else if (command && ["timeline", "at", "verify", "export"].includes(command)) {
  process.exitCode = await online(command);
} else {
  out("usage: ./scripts/audit timeline <case> --reason <why> | at <case> <time> --reason <why> | verify |");
  out("       export <case> --reason <why> [--out file] | verify-bundle <file> [--key <public key>]");
  process.exitCode = 2;
}

async function online(cmd: string): Promise<number> {
  const settings = z.object(runtimeConfig).parse(process.env);
  const key = auditKeyFromEnv(settings.AUDIT_SIGNING_KEY);
  const store = await openStore(settings);
  const db = await openProjectionDatabase(settings, "audit");
  const projection = await startProjection(store, db, trailProjection, { idleWaitMs: 50 });
  try {
    const head = (await store.readAll({ limit: 1, filter: {} })).nextPosition;
    // Catch the trail up with the log before answering (it is the same trail the service keeps).
    let last: string | undefined = head;
    for (
      let page = await store.readAll({ limit: 5000 });
      ;
      page = await store.readAll({ after: last, limit: 5000 })
    ) {
      last = page.nextPosition ?? last;
      if (page.endOfLog || page.nextPosition === undefined) break;
    }
    if (last && !(await projection.waitFor(last, 120_000)))
      throw new Error("the audit trail did not catch up in 120 s");
    const trail = new Trail(projection);
    const ledger = new AuditLedger({ store, trail, key, checkpointDir: undefined });
    const cases = new CaseQueries({ store, trail, ledger, key });
    const now = new Date().toISOString();
    const ctx = {
      actor: { id: option("as") ?? process.env.USER ?? "auditor-cli", role: "auditor" as const },
      now,
    };
    if (cmd === "verify") {
      const result = await verifyStore(store, trail, await ledger.checkpoints(), key.publicKeyBase64);
      out(JSON.stringify(result, null, 2));
      return result.ok ? 0 : 1;
    }
    const target = args[0];
    const reason = option("reason");
    if (!target || !reason) {
      out(`${cmd} needs a case and --reason <why> (every read is recorded with its reason)`);
      return 2;
    }
    if ((await cases.caseEvents(target)).length === 0) {
      out(`no event of any service names the case ${target}`);
      return 1;
    }
    if (cmd === "timeline") {
      await recordRead(store, { what: "timeline", target, reason }, ctx);
      out(JSON.stringify(await cases.timeline(target), null, 2));
    } else if (cmd === "at") {
      const t = args[1];
      if (!t || Number.isNaN(Date.parse(t))) {
        out("at needs an ISO 8601 instant, e.g. 2026-03-02T08:00:00Z");
        return 2;
      }
      await recordRead(store, { what: "at", target, reason, query: `t=${t}` }, ctx);
      out(JSON.stringify(await cases.at(target, new Date(t).toISOString()), null, 2));
    } else {
      await recordRead(store, { what: "export", target, reason, query: "format=json" }, ctx);
      const exported = await cases.export(target, ctx);
      const file = option("out") ?? `audit-${target.replace(/[^A-Za-z0-9_-]/g, "_")}.json`;
      writeFileSync(file, `${JSON.stringify(exported?.bundle, null, 2)}\n`);
      out(
        `wrote ${file}: ${exported?.bundle.events.length} events, checkpoint ${exported?.bundle.checkpoint.treeSize}`,
      );
    }
    return 0;
  } finally {
    await projection.close();
    await db.close();
    await store.close();
  }
}
