/**
 * The EventStoreDB server for the integration suites: `ESDB_CONNECTION_STRING` when set, else a throwaway
 * container through testcontainers (imported lazily: it needs a container engine, and with none it fails in
 * milliseconds with "Could not find a working container runtime strategy").
 */
export interface EsdbTestServer {
  connectionString: string;
  stop(): Promise<void>;
}

export const ESDB_IMAGE = "eventstore/eventstore:24.10";

export async function startEsdbTestServer(): Promise<EsdbTestServer | { reason: string }> {
  const fromEnv = process.env.ESDB_CONNECTION_STRING;
  if (fromEnv) return { connectionString: fromEnv, stop: async () => undefined };
  let testcontainers: typeof import("testcontainers");
  try {
    testcontainers = await import("testcontainers");
  } catch (error) {
    return { reason: `testcontainers failed to load: ${message(error)}` };
  }
  try {
    const { GenericContainer, Wait } = testcontainers;
    const container = await new GenericContainer(ESDB_IMAGE)
      .withEnvironment({
        EVENTSTORE_INSECURE: "true",
        EVENTSTORE_MEM_DB: "true",
        EVENTSTORE_RUN_PROJECTIONS: "None",
        EVENTSTORE_CLUSTER_SIZE: "1",
      })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp("/health/live", 2113).forStatusCode(204))
      .withStartupTimeout(120_000)
      .start();
    return {
      connectionString: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
      stop: async () => {
        await container.stop();
      },
    };
  } catch (error) {
    const text = message(error);
    const reason = /container runtime strategy/i.test(text)
      ? "no container engine (set ESDB_CONNECTION_STRING to use a running EventStoreDB)"
      : `could not start ${ESDB_IMAGE}: ${text}`;
    return { reason };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
