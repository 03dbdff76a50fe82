// The credit service in its own process (distributed mode, ./scripts/stack): adapters from the environment.
import { runService } from "@gov/runtime";
import { creditModule } from "./module.ts";

await runService({ service: "credit", categories: ["subject"], module: (deps) => creditModule(deps) });
