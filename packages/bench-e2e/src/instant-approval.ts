// 秒批 latency samples and the distributed platform, shared by `pnpm bench:approval` and `pnpm bench:e2e`.
import { performance } from "node:perf_hooks";
import { type DistributedPlatform, startDistributed } from "@gov/gateway/src/scenarios/platform.ts";
import { demoMatters } from "@gov/matters/demo";
import { mintToken } from "@gov/service-kit";
import { fixedPlatformClock, LocalKafkaBroker } from "@gov/testing";

export const INSTANT_MATTER = "seal-engraving-filing";

function demoMatter(matterId: string) {
  const demo = demoMatters.find((m) => m.matterId === matterId);
  if (!demo) throw new Error(`the demo catalog has no ${matterId}`);
  return demo.elements;
}

const elements = demoMatter(INSTANT_MATTER);
const department = elements.implementingDepartment.creditCode;
/** The README's "Try it" application: 杭州示例科技有限公司 files its seal engraving with every material. */
const submission = {
  matterId: INSTANT_MATTER,
  channel: "online",
  applicant: { kind: "organisation", creditCode: "91330106MA2K5N9R4F" },
  materials: [
    { materialId: "LIC", provision: "certificate", certificateId: "ZZ-330106-000123" },
    { materialId: "ID", provision: "certificate", certificateId: "ZZ-ID-000456" },
    {
      materialId: "M03",
      provision: "provided",
      file: { uri: "file:///bench/m03.pdf", sha256: "a".repeat(64) },
    },
  ],
};

/** 秒批's p99 aims: submission → certificate visible. */
export const AIMS = { embedded: 50, distributed: 500 } as const;
const POLL_MS = { embedded: 1, distributed: 5 } as const;
export type Topology = keyof typeof AIMS;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const pct = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * q) - 1)] ?? Number.NaN;

interface Tokens {
  clerk: string;
  officer: string;
  admin: string;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function call(url: string, token: string, method: string, body?: object, minPosition?: string) {
  const res = await fetch(url, {
    method,
    headers: {
      ...bearer(token),
      ...(body ? { "content-type": "application/json" } : {}),
      ...(minPosition ? { "min-log-position": minPosition } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
  const json: any = await res.json().catch(() => undefined);
  return { status: res.status, json };
}

/** One application from submission to its certificate in approval's read model; milliseconds. */
async function sample(url: string, t: Tokens, topology: Topology, deadlineMs: number, warmingUp = false) {
  const started = performance.now();
  let submitted = await call(`${url}/intake/applications`, t.clerk, "POST", submission);
  // Warming up, intake's copy of the catalog may not show the matter yet (distributed): retried, not counted.
  while (warmingUp && submitted.status === 404 && performance.now() - started < deadlineMs) {
    await sleep(100);
    submitted = await call(`${url}/intake/applications`, t.clerk, "POST", submission);
  }
  if (submitted.status !== 201)
    throw new Error(`submission: ${submitted.status} ${JSON.stringify(submitted.json)}`);
  const id = submitted.json.id as string;
  const seen = submitted.json.position as string | undefined;
  for (;;) {
    const checked = await call(`${url}/intake/applications/${id}/check`, t.clerk, "POST", {}, seen);
    if (checked.status === 200) {
      const types = (checked.json.events as { type: string }[]).map((e) => e.type);
      if (!types.includes("ApplicationAccepted"))
        throw new Error(`not accepted: ${JSON.stringify(checked.json)}`);
      break;
    }
    // The check waits for intake's read model to have the submission (min-log-position); a 503 says it did
    // not in time (a busy machine): the check is retried.
    if (checked.status !== 503 || performance.now() - started > deadlineMs)
      throw new Error(`check: ${checked.status} ${JSON.stringify(checked.json)}`);
    await sleep(POLL_MS[topology]);
  }
  const accepted = performance.now();
  const certificateNo = `PMT-${id}-01`;
  for (;;) {
    const res = await fetch(`${url}/approval/cases/${id}`, { headers: bearer(t.officer) });
    if (res.status === 200) {
      const view = (await res.json()) as { certificate?: { certificateNo: string }; autoApproval?: unknown };
      if (view.certificate?.certificateNo === certificateNo)
        return { total: performance.now() - started, afterAcceptance: performance.now() - accepted };
      if (view.certificate) throw new Error(`case ${id}: certificate ${view.certificate.certificateNo}`);
    } else await res.arrayBuffer();
    if (performance.now() - started > deadlineMs)
      throw new Error(`case ${id}: no certificate in approval's read model within ${deadlineMs} ms`);
    await sleep(POLL_MS[topology]);
  }
}

/**
 * `samples` 秒批 applications one after another (after `warmUp` not counted: the catalog copies fill, the
 * department's seal key is made, code paths get hot): each one's latency, and its part after acceptance.
 */
export async function instantApprovalSamples(
  url: string,
  topology: Topology,
  samples: number,
  warmUp = 10,
): Promise<{ total: number[]; afterAcceptance: number[] }> {
  const t: Tokens = {
    clerk: await mintToken({ sub: "bench-clerk", role: "window-clerk", region: elements.region }),
    officer: await mintToken({ sub: "bench-officer", role: "officer", department }),
    admin: await mintToken({ sub: "bench-admin", role: "admin" }),
  };
  for (let i = 0; i < warmUp; i++) await sample(url, t, topology, 120_000, true);
  const total: number[] = [];
  const afterAcceptance: number[] = [];
  for (let i = 0; i < samples; i++) {
    const s = await sample(url, t, topology, 30_000);
    total.push(s.total);
    afterAcceptance.push(s.afterAcceptance);
  }
  return { total, afterAcceptance };
}

/** Registers, claims and publishes demo matters through the API (a distributed platform starts without demo data). */
async function publishDemoMatters(url: string, matterIds: readonly string[]): Promise<void> {
  const admin = await mintToken({ sub: "bench-admin", role: "admin" });
  for (const matterId of matterIds) {
    const matter = demoMatter(matterId);
    const officer = await mintToken({
      sub: "bench-officer",
      role: "officer",
      department: matter.implementingDepartment.creditCode,
    });
    const steps: [string, string, string, object | undefined][] = [
      ["POST", "/matters/", admin, { matterId, elements: matter }],
      ["POST", `/matters/${matterId}/claim`, officer, undefined],
      ["POST", `/matters/${matterId}/publish`, admin, {}],
    ];
    for (const [method, path, token, body] of steps) {
      const r = await call(`${url}${path}`, token, method, body);
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
    }
  }
}

/**
 * Every service in its own process on PostgreSQL and a Kafka broker of the bench's own (scripts/kafka on free
 * ports), behind the gateway, as ./scripts/stack runs it, with `matterIds` published; stopped after `work`.
 */
export async function withDistributedPlatform<T>(
  matterIds: readonly string[],
  work: (url: string, platform: DistributedPlatform, broker: LocalKafkaBroker) => Promise<T>,
): Promise<T> {
  const broker = new LocalKafkaBroker();
  await broker.start();
  const platform = await startDistributed({
    brokers: broker.brokers,
    // On a fixed day, as the embedded server: its limits end inside a year whose calendar is published.
    clockOffsetMs: fixedPlatformClock().offsetMs,
  }).catch(async (error) => {
    await broker.dispose();
    throw error;
  });
  try {
    await publishDemoMatters(platform.url, matterIds);
    return await work(platform.url, platform, broker);
  } finally {
    await platform.stop();
    await broker.dispose();
  }
}
