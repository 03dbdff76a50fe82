// The audit service in its own process (distributed mode, ./scripts/stack): adapters from the environment.
import { auditKeyProblems, runService } from "@gov/runtime";
import { auditModule } from "./module.ts";

// Its own stream categories: the record of reads, and the signed checkpoints. It reads every category.
await runService({
  service: "audit",
  categories: ["access", "checkpoint"],
  module: (deps) => auditModule(deps),
  configProblems: auditKeyProblems,
});
