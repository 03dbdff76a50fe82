// The intake service in its own process (distributed mode, ./scripts/stack): adapters from the environment.
import { runService } from "@gov/runtime";
import { intakeModule } from "./module.ts";

await runService({
  service: "intake",
  categories: ["application", "caseserial"],
  module: (deps) => intakeModule(deps),
});
