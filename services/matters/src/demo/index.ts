/**
 * The demo catalog as data, for other services' tests and tools: matters with their implementation elements,
 * the departments that implement them, the bundles. Contracts-shaped (`MatterElements`), no service code needed.
 */
export type { DemoMatter } from "./build.ts";
export type { DemoBundle } from "./bundles.ts";
export { type DemoDepartment, departments } from "./departments.ts";
export { demoBundles, demoMaterialsBaseline, demoMatters, type SeedResult, seedDemoCatalog } from "./seed.ts";
