// The matters service in its own process (distributed mode, ./scripts/stack): adapters from the environment.
import { runService } from "@gov/runtime";
import { mattersModule } from "./module.ts";

await runService({
  service: "matters",
  categories: ["matter", "bundle", "calendar", "baseline"],
  module: mattersModule,
});
