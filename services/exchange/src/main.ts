// The exchange service in its own process (distributed mode): adapters from the environment.
import { runService } from "@gov/runtime";
import { exchangeModule } from "./module.ts";

// Its own stream category: the case-step reports (casestep-<applicationId>), published by its relay.
await runService({
  service: "exchange",
  categories: ["casestep"],
  module: (deps) => exchangeModule(deps),
});
