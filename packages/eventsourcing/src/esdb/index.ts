export { EsdbCheckpointStore } from "./esdb-checkpoints.ts";
export { type EsdbEventStore, type EsdbEventStoreOptions, openEsdbEventStore } from "./esdb-event-store.ts";
export { formatEsdbPosition, parseEsdbPosition } from "./esdb-mapping.ts";
