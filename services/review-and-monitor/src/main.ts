// The review-and-monitor service in its own process (distributed mode, ./scripts/stack): adapters from the environment.
import { runService } from "@gov/runtime";
import { categories } from "./application/handlers.ts";
import { reviewConfigProblems } from "./config.ts";
import { reviewAndMonitorModule } from "./module.ts";

await runService({
  service: "review-and-monitor",
  categories: [...categories],
  configProblems: reviewConfigProblems,
  module: (deps) => reviewAndMonitorModule(deps),
});
