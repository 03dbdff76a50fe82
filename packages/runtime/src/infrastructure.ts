import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { type EventStore, ownCategoriesOnly } from "@gov/eventsourcing";
import {
  connectKafkaClient,
  EmbeddedEventBus,
  type EventBus,
  type KafkaConfigurationError,
  type MessagingLogger,
  registerLagMetric,
  runRelay,
} from "@gov/messaging";
import type { Closer, Infrastructure, ReadinessCheck } from "@gov/service-kit";
import type { Registry } from "prom-client";
import { type AdjustableClock, createClock } from "./clock.ts";
import type { RuntimeSettings } from "./config.ts";
import { registerIntegrityMetrics } from "./integrity.ts";
import { operationalMetrics } from "./operational-metrics.ts";
import { registerSchedulerMetrics } from "./schedule.ts";
import { openStore } from "./store.ts";
import { tracedStore } from "./traced-store.ts";

/** The adapters a service module is built on. */
export interface ServiceDeps {
  store: EventStore;
  bus: EventBus;
  /** The process's runtime settings, for a module that opens storage of its own (e.g. a key vault). */
  settings: RuntimeSettings;
  /** The time commands and scheduled processes read (adjustable in tests with CLOCK=adjustable). */
  clock?: () => string;
  /** The process's logger (pino), for scheduled processes and reactions. Never give it personal data. */
  logger: MessagingLogger;
}

/** A service's own stream categories (distributed mode: it appends only there, and relays only those). */
export interface ServiceScope {
  service: string;
  categories: readonly string[];
}

/** The adapters a service runs on, with their readiness checks and closers (for `buildApp`'s `infrastructure`). */
export interface StartedInfrastructure extends ServiceDeps, Infrastructure {
  /** The clock behind `clock` (moved by `PUT /<service>/_clock` with CLOCK=adjustable). */
  adjustableClock: AdjustableClock;
  /** Registers the bus's lag and the schedulers' metrics in the app's registry. */
  attachMetrics(registry: Registry): void;
}

export interface InfrastructureOptions {
  /**
   * Told when Kafka refuses the configuration for good (bad credentials, a replication factor the cluster
   * cannot meet) after start-up; `runService` logs it and exits. Retriable broker errors never come here.
   */
  onFatal?: (error: KafkaConfigurationError) => void;
}

/**
 * Opens the store and the bus the settings name, and the relay for `scope`'s categories when a Kafka bus is
 * configured. Returns them with their readiness checks and their closers, bus (and relay) before store: hand
 * them to `buildApp({ infrastructure })`, which closes them in that order after every module.
 *
 * Nothing here fails on a broker that is down, restarting or slow: subscriptions and the relay retry with
 * back-off, and the `kafka` readiness check names what they wait for (docs/distributed.md, "When the broker fails").
 */
export async function startInfrastructure(
  settings: RuntimeSettings,
  logger: MessagingLogger,
  scope?: ServiceScope,
  options: InfrastructureOptions = {},
): Promise<StartedInfrastructure> {
  const opened = await openStore(settings);
  const metrics = operationalMetrics();
  const store = metrics.timed(
    tracedStore(scope ? ownCategoriesOnly(opened, scope.service, scope.categories) : opened),
  );
  const readiness: ReadinessCheck[] = [{ name: "event-store", check: () => opened.ping() }];
  const closers: Closer[] = [];
  const kafkaBus = (settings.EVENT_BUS ?? (settings.KAFKA_BROKERS ? "kafka" : "embedded")) === "kafka";
  let bus: EventBus;
  if (kafkaBus) {
    // KAFKA_CLIENT picks the client (docs/messaging.md, "Kafka client"): kafkajs or @platformatic/kafka.
    const kafka = connectKafkaClient({
      client: settings.KAFKA_CLIENT,
      brokers: (settings.KAFKA_BROKERS ?? "").split(",").map((b) => b.trim()),
      clientId: `gov-${scope?.service ?? "platform"}`,
      partitions: settings.KAFKA_PARTITIONS,
      replicationFactor: settings.KAFKA_REPLICATION_FACTOR,
      logger,
      ...(options.onFatal ? { onFatal: options.onFatal } : {}),
    });
    bus = kafka.bus;
    const relay = new AbortController();
    const relayState: { failing?: string } = {};
    const relaying =
      settings.RELAY === "on"
        ? superviseRelay(
            () =>
              runRelay({
                store: opened,
                checkpoints: opened.checkpoints,
                publisher: kafka.publisher,
                name: `relay-${scope?.service ?? "platform"}`,
                owner: `${scope?.service ?? "platform"}@${hostname()}:${process.pid}`,
                ...(scope ? { filter: { categories: scope.categories } } : {}),
                leaseTtlMs: settings.RELAY_LEASE_TTL_MS,
                onLag: (seconds) => metrics.relayLag(`relay-${scope?.service ?? "platform"}`, seconds),
                logger,
                signal: relay.signal,
              }),
            relayState,
            relay.signal,
            logger,
          )
        : Promise.resolve();
    readiness.push({
      name: "kafka",
      check: async () => {
        await kafka.ping();
        if (relayState.failing) throw new Error(`the relay is restarting: ${relayState.failing}`);
      },
    });
    closers.push({
      name: "kafka",
      close: async () => {
        relay.abort();
        await relaying;
        await kafka.close();
      },
    });
  } else {
    const embedded = new EmbeddedEventBus(opened, opened.checkpoints, logger);
    bus = embedded;
    closers.push({ name: "event-bus", close: () => embedded.close() });
  }
  closers.push({ name: "event-store", close: () => opened.close() });
  const clock = createClock(settings.CLOCK === "adjustable" ? (settings.CLOCK_OFFSET_MS ?? 0) : 0);
  return {
    store,
    bus,
    settings,
    logger,
    clock: clock.now,
    adjustableClock: clock,
    readiness,
    closers,
    attachMetrics: (registry: Registry) => {
      registerLagMetric(registry, bus);
      registerSchedulerMetrics(registry);
      registerIntegrityMetrics(registry);
      metrics.register(registry);
    },
  };
}

/**
 * Keeps the relay running: `runRelay` already waits out a broker that is down, but a failure elsewhere (the
 * store unreachable while it reads its page or renews its lease) rejects it; then it starts again after a
 * back-off (1 s doubling to 30 s), and `state.failing` says why until it runs again.
 */
async function superviseRelay(
  run: () => Promise<void>,
  state: { failing?: string },
  signal: AbortSignal,
  logger: MessagingLogger,
): Promise<void> {
  let wait = 0;
  while (!signal.aborted) {
    const started = Date.now();
    try {
      await run();
    } catch (error) {
      if (signal.aborted) break;
      state.failing = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (Date.now() - started > 60_000) wait = 0; // it ran a while: start the back-off over
      wait = Math.min(wait === 0 ? 1000 : wait * 2, 30_000);
      logger.error({ error: state.failing, retryInMs: wait }, "relay failed; starting it again");
      await sleep(wait, undefined, { signal }).catch(() => undefined);
      delete state.failing;
    }
  }
}
