import { useBackend } from "@gov/testing";
import { startEmbedded } from "./platform.ts";
import { describeScenarios } from "./scenarios.ts";

useBackend("sqlite", "end-to-end scenarios, embedded mode", true);
describeScenarios("embedded (one process, SQLite, embedded bus)", startEmbedded);
