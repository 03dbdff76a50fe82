import type { FastifyPluginAsync } from "fastify";
import type { ErrorMapper } from "./problems.ts";

/** A dependency the service needs to be ready, e.g. its event store or bus. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /**
   * A warning rather than a dependency: when the check fails it is reported as `{ ok: true, degraded: true,
   * warning }` and `/health/ready` still answers 200 (e.g. next year's working-day calendar is not published).
   */
  degradedOnly?: true;
}

/** A Prometheus gauge a module reports, read on every scrape of `/metrics`. */
export interface ModuleGauge {
  name: string;
  help: string;
  value(): number | Promise<number>;
}

/**
 * A read model a module serves queries from (the kernel's `memoryReadModel` is one). The kit reports its
 * readiness, closes it on shutdown, and makes reads that send `min-log-position` wait for it.
 */
export interface ReadModelPort {
  name: string;
  readiness: ReadinessCheck;
  waitFor(position: string, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * What a service hands to the kit. Embedded mode mounts every module in one app; distributed mode runs one
 * module per process. Either way the root endpoints are the kit's.
 */
export interface ServiceModule {
  /**
   * The service's wire name, as in its event types `gov.<name>.…` (`matters`, `credit`, `review-and-monitor`):
   * the app's `/asyncapi.json` describes the events of its modules' names.
   */
  name: string;
  /** URL prefix, e.g. `/matters`. */
  prefix: string;
  routes: FastifyPluginAsync;
  readiness?: ReadinessCheck[];
  /** The module's read models: their readiness counts, they close after the module, reads can wait on them. */
  readModels?: ReadModelPort[];
  /** Gauges added to the app's `/metrics`. */
  gauges?: ModuleGauge[];
  errorMappers?: ErrorMapper[];
  /**
   * Loads the module's demo data (embedded mode, `./scripts/start`). Must be idempotent: the gateway calls it
   * on every start, against a store that may already hold the data.
   */
  seedDemo?: () => Promise<void>;
  /**
   * Releases the module's resources on shutdown (subscriptions, store handles). The kit runs it as an
   * `onClose` hook, after in-flight requests have finished and before the module's read models and the
   * infrastructure close; it runs once even if called again.
   */
  close?: () => Promise<void>;
}

/** Something to release on shutdown, named for the log (an event store, a bus, a relay). */
export interface Closer {
  name: string;
  close(): Promise<void>;
}

/**
 * What the modules run on (the runtime's event store, bus and relay): its readiness checks count, and its
 * closers run on shutdown in the order given, after every module and read model has closed.
 */
export interface Infrastructure {
  readiness: readonly ReadinessCheck[];
  closers: readonly Closer[];
}
