// The credit service in its own process (distributed mode, ./scripts/stack): adapters from the environment.
import { runService } from "@gov/runtime";
import { creditModule } from "./module.ts";

// Its own stream categories: subjects, and the record of who looked up whom (LookupRecorded).
await runService({
  service: "credit",
  categories: ["subject", "lookup"],
  module: (deps) => creditModule(deps),
});
