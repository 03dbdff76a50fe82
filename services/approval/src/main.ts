// The approval service in its own process (distributed mode, ./scripts/stack): adapters from the environment.
import { runService } from "@gov/runtime";
import { approvalModule } from "./module.ts";

// Its own stream categories: cases (审批办件) and permits with their certificates (电子证照).
await runService({
  service: "approval",
  categories: ["case", "permit"],
  module: (deps) => approvalModule(deps),
});
