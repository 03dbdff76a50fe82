// The approval service in its own process (distributed mode, ./scripts/stack): adapters from the environment.
import { runService } from "@gov/runtime";
import { sealKeyringProblems } from "@gov/seal";
import { approvalModule } from "./module.ts";

// Its own stream categories: cases (审批办件) and permits with their certificates (电子证照). Production refuses
// to start without its own seal keyring and passphrase (named with the other configuration problems).
await runService({
  service: "approval",
  categories: ["case", "permit"],
  configProblems: sealKeyringProblems,
  module: (deps) => approvalModule(deps),
});
