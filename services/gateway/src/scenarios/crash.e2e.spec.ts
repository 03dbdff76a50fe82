import { isDeepStrictEqual } from "node:util";
import { ApprovalModel } from "@gov/approval";
import { chinaDate } from "@gov/calendar";
import { approvalEventTypes, reviewAndMonitorEventTypes } from "@gov/contracts";
import { rebuildMemoryModel } from "@gov/eventsourcing";
import { openPostgresEventStore } from "@gov/eventsourcing/postgres";
import { probePostgres } from "@gov/eventsourcing/testing/postgres";
import { ApplicationsModel } from "@gov/intake/read-model";
import { hygieneElements } from "@gov/intake/test-support";
import { computeKpis, SupervisionModel, supervisionCategories } from "@gov/review-and-monitor";
import { mintToken } from "@gov/service-kit";
import { fixedPlatformClock, LocalKafkaBroker, startCpuBurner, useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DistributedPlatform, SERVICES, startDistributed } from "./platform.ts";

/**
 * The crash test (docs/distributed.md): a steady stream of applications through the gateway while service
 * processes are SIGKILLed and restarted and the Kafka broker is stopped and restarted once. Every command is sent
 * with an Idempotency-Key and retried until it is answered, as a careful client would. At the end the store must
 * hold each command's effect exactly once, the read models must equal a rebuild from the log, every application
 * must have the outcome its inputs determine, and no consumer lag may remain. Approval is among the killed
 * processes: every accepted application has exactly one case, and every 秒批-eligible one exactly one decision and
 * one sealed certificate, in the store and in approval's read model.
 */
const APPLICATIONS = Number(process.env.CRASH_APPLICATIONS ?? 240);
/** The load is spread over this long, so that the kills and the broker restart happen under it. */
const DURATION_MS = Number(process.env.CRASH_SECONDS ?? 75) * 1000;
/** The test's own broker, on a free pair of ports, so that it can be stopped without touching anyone else's. */
const broker = new LocalKafkaBroker();
const suite = "crash test: SIGKILLed services and a restarted broker under load";
const available = await broker.start().then(
  () => true as const,
  (error: Error) => ({ reason: `could not start a broker of its own with scripts/kafka: ${error.message}` }),
);
const run = useBackend("kafka", suite, available) && useBackend("postgres", suite, await probePostgres());

const file = (materialId: string) => ({
  materialId,
  provision: "provided",
  file: { uri: `file:///crash/${materialId}.pdf`, sha256: "7".repeat(64) },
});
const licence = { materialId: "LIC", provision: "certificate", certificateId: "ZZ-CRASH" };
const noCheckBody = () => ({});
/**
 * Every process's clock reads a fixed day (CLOCK_OFFSET_MS), restarted ones too: the limits counted from it end
 * inside a year whose working-day calendar is published, whatever today is.
 */
const clock = fixedPlatformClock();
/** 容缺受理 needs the applicant's signed promise (承诺书): M04 by the day of acceptance (the platform's today). */
const promiseM04 = () => {
  const now = clock.now();
  return {
    deferralPromise: {
      materialIds: ["M04"],
      supplyBy: chinaDate(now),
      signature: {
        file: { uri: "file:///crash/promise.pdf", sha256: "8".repeat(64) },
        signedAt: new Date(now.getTime() - 60_000).toISOString(),
        signedBy: "O91330106MA2K5N9R4F",
      },
    },
  };
};
/** The ordinary matter, and its 秒批 twin (auto-approvable: rules as data on the matter version). */
const MATTER = "hygiene-crash";
const AUTO_MATTER = "hygiene-crash-auto";
/** Four kinds of input, four determined outcomes; a quarter are 秒批 (即报即批、即批即得, 国发〔2022〕5号). */
const kinds = [
  {
    matterId: MATTER,
    materials: [file("M01"), licence, file("M03"), file("M04")],
    check: noCheckBody,
    outcome: "accepted:complete",
    auto: false,
  },
  {
    matterId: MATTER,
    materials: [file("M01"), licence, file("M03")],
    check: promiseM04,
    outcome: "accepted:deferred-materials",
    auto: false,
  },
  {
    matterId: MATTER,
    materials: [file("M01"), licence, file("M04")],
    check: noCheckBody,
    outcome: "correction-requested",
    auto: false,
  },
  {
    matterId: AUTO_MATTER,
    materials: [file("M01"), licence, file("M03"), file("M04")],
    check: noCheckBody,
    outcome: "accepted:complete",
    auto: true,
  },
];

/** Services SIGKILLed (and restarted) at least, during or right after the load. */
const MIN_KILLS = 3;
/** How long one command may go unanswered (retried meanwhile) before the test gives up on it. */
const ANSWER_DEADLINE_MS = Number(process.env.CRASH_ANSWER_DEADLINE_MS ?? 180_000);

describe.skipIf(!run)(suite, () => {
  // A busy CI machine: CPU_BURN threads spin while the test runs (1 under CI=true; CPU_BURN=0 turns it off).
  let burner: ReturnType<typeof startCpuBurner> | undefined;
  beforeAll(() => {
    burner = startCpuBurner();
  });
  afterAll(async () => {
    await burner?.stop();
    await broker.dispose();
  }, 120_000);

  it(`${APPLICATIONS} applications, a service killed every few seconds, the broker restarted once: nothing lost, nothing twice`, {
    timeout: 600_000,
  }, async () => {
    let platform: DistributedPlatform | undefined;
    /** Set when the test ends, however: the chaos loop stops before the platform does. */
    let stop = false;
    let chaos: Promise<void> = Promise.resolve();
    const counts = {
      sent: 0,
      answered: 0,
      retries: 0,
      replayed: 0,
      kills: 0,
      approvalKills: 0,
      reviewKills: 0,
      restarts: 0,
      brokerRestarts: 0,
    };
    try {
      platform = await startDistributed({ brokers: broker.brokers, clockOffsetMs: clock.offsetMs });
      const url = platform.url;
      const admin = { authorization: `Bearer ${await mintToken({ sub: "admin-crash", role: "admin" })}` };
      const clerk = {
        authorization: `Bearer ${await mintToken({ sub: "clerk-crash", role: "window-clerk", region: hygieneElements.region })}`,
      };
      const dept = hygieneElements.implementingDepartment.creditCode;
      const officer = {
        authorization: `Bearer ${await mintToken({ sub: "o", role: "officer", department: dept })}`,
      };
      /** Sends until answered (a 2xx or a 4xx that is the command's own answer); the key makes repeats harmless. */
      const send = async (
        method: string,
        path: string,
        headers: Record<string, string>,
        body: object | undefined,
        key: string,
        retryOn404 = false,
      ) => {
        counts.sent++;
        const deadline = Date.now() + ANSWER_DEADLINE_MS;
        for (let attempt = 0; ; attempt++) {
          const res = await fetch(`${url}${path}`, {
            method,
            headers: {
              ...headers,
              "idempotency-key": key,
              ...(body ? { "content-type": "application/json" } : {}),
            },
            ...(body ? { body: JSON.stringify(body) } : {}),
            signal: AbortSignal.timeout(30_000),
          }).catch(() => undefined);
          const retry = !res || res.status >= 500 || (retryOn404 && res.status === 404);
          if (!retry) {
            counts.answered++;
            // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field below
            const json: any = await res.json();
            if (json?.replayed) counts.replayed++;
            return { status: res.status, json };
          }
          counts.retries++;
          if (Date.now() > deadline) {
            throw new Error(
              `${method} ${path} unanswered for ${ANSWER_DEADLINE_MS / 1000} s (last: ${res?.status})`,
            );
          }
          await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** Math.min(attempt, 4), 1000)));
        }
      };
      await send("POST", "/matters/", admin, { matterId: MATTER, elements: hygieneElements }, "m-draft");
      await send("POST", `/matters/${MATTER}/claim`, officer, undefined, "m-claim");
      await send("POST", `/matters/${MATTER}/publish`, admin, {}, "m-publish");
      const autoElements = {
        ...hygieneElements,
        name: "公共场所卫生许可（秒批）",
        basicCode: "000123007003",
        implementationCode: `${dept}3000123007003`,
        allowsAutoApproval: true,
        autoApprovalRules: {
          noDeferredMaterials: true,
          allMaterialsProvided: true,
          applicantKinds: ["organisation"],
          excludeStrictReview: true,
        },
      };
      await send("POST", "/matters/", admin, { matterId: AUTO_MATTER, elements: autoElements }, "a-draft");
      await send("POST", `/matters/${AUTO_MATTER}/claim`, officer, undefined, "a-claim");
      await send("POST", `/matters/${AUTO_MATTER}/publish`, admin, {}, "a-publish");

      // Chaos: SIGKILL a random service every few seconds and restart it; stop and restart the broker once. On a
      // slow machine restarts take long: the chaos goes on after the load until it has done its minimum.
      const live = platform;
      let loadDone = false;
      const enough = () => loadDone && counts.kills >= MIN_KILLS && counts.brokerRestarts >= 1;
      chaos = (async () => {
        let round = 0;
        while (!stop && !enough()) {
          await new Promise((r) => setTimeout(r, 3000));
          if (stop || enough()) break;
          round++;
          if (round === 3) {
            await broker.stop();
            await new Promise((r) => setTimeout(r, 3000));
            await broker.start();
            counts.brokerRestarts++;
            continue;
          }
          // The first victim is approval, in the thick of its 秒批 decisions and seals; then any service at random.
          // Review-and-monitor is the second, while it follows intake's and approval's events into its clocks.
          const victim =
            round === 1
              ? live.processes.find((p) => p.name === "approval")
              : round === 2
                ? live.processes.find((p) => p.name === "review-and-monitor")
                : live.processes[Math.floor(Math.random() * live.processes.length)];
          if (!victim) continue;
          if (victim.name === "approval") counts.approvalKills++;
          if (victim.name === "review-and-monitor") counts.reviewKills++;
          victim.child.kill("SIGKILL");
          counts.kills++;
          await live.restart(victim.name);
          counts.restarts++;
        }
      })();

      // Load: submissions and checks, each with its own key, a few at a time.
      const ids: { id: string; outcome: string; auto: boolean }[] = [];
      const work = Array.from({ length: APPLICATIONS }, (_, i) => i);
      const started = Date.now();
      const worker = async () => {
        for (let i = work.shift(); i !== undefined; i = work.shift()) {
          const due = started + (i * DURATION_MS) / APPLICATIONS - Date.now();
          if (due > 0) await new Promise((r) => setTimeout(r, due));
          const kind = kinds[i % kinds.length] as (typeof kinds)[number];
          const body = {
            matterId: kind.matterId,
            applicant: { kind: "organisation", creditCode: "91330106MA2K5N9R4F" },
            channel: "window",
            materials: kind.materials,
          };
          const submitted = await send("POST", "/intake/applications", clerk, body, `submit-${i}`, true);
          expect(submitted.status, JSON.stringify(submitted.json)).toBe(201);
          const id = submitted.json.id as string;
          if (i % 10 === 0) {
            // A client that lost the answer sends the same command again: the key makes it the same application.
            const again = await send("POST", "/intake/applications", clerk, body, `submit-${i}`, true);
            expect(again.json.id).toBe(id);
          }
          const checked = await send(
            "POST",
            `/intake/applications/${id}/check`,
            clerk,
            kind.check(),
            `check-${i}`,
            true,
          );
          expect(checked.status, JSON.stringify(checked.json)).toBe(200);
          ids.push({ id, outcome: kind.outcome, auto: kind.auto });
        }
      };
      await Promise.all([worker(), worker(), worker()]);
      loadDone = true;
      await chaos;

      // Quiet again: every process ready (intake's readiness includes its consumer lag) and no lag on /metrics.
      for (const name of SERVICES) {
        await expect
          .poll(
            async () =>
              (await fetch(`http://127.0.0.1:${live.ports[name]}/health/ready`).catch(() => undefined))
                ?.status,
            {
              timeout: 120_000,
              interval: 500,
            },
          )
          .toBe(200);
        await expect
          .poll(
            async () => {
              const text = await (await fetch(`http://127.0.0.1:${live.ports[name]}/metrics`)).text();
              return text
                .split("\n")
                .filter((l) => l.startsWith("messaging_consumer_lag{") && !l.endsWith(" 0")).length;
            },
            { timeout: 120_000, interval: 500 },
          )
          .toBe(0);
      }

      // Exactly once in the store: one submission and one decision per application.
      const store = await openPostgresEventStore({
        connectionString: platform.connectionString,
        schema: platform.schema,
      });
      let events = 0;
      for (const { id } of ids) {
        const stream = await store.readStream(`application-${id}`);
        events += stream.length;
        const types = stream.map((e) => e.type.split(".").at(-2));
        expect(
          types.filter((t) => t === "submitted"),
          id,
        ).toHaveLength(1);
        expect(
          types.filter((t) => t === "accepted" || t === "correction-requested"),
          id,
        ).toHaveLength(1);
      }
      // The read model equals a rebuild from the log, and every outcome is the one the inputs determine.
      const rebuilt = await rebuildMemoryModel(store, ["application"], new ApplicationsModel());
      for (const { id, outcome } of ids) {
        const res = await fetch(`${url}/intake/applications/${id}`, { headers: clerk });
        const live = (await res.json()) as { status: string; accepted?: { mode: string } };
        const fromLog = rebuilt.get(id);
        expect({ status: live.status, mode: live.accepted?.mode }).toEqual({
          status: fromLog?.status,
          mode: fromLog?.accepted?.mode,
        });
        expect(live.accepted ? `accepted:${live.accepted.mode}` : live.status).toBe(outcome);
      }
      const caseNumbers = rebuilt.all().flatMap((a) => (a.accepted ? [a.accepted.caseNumber] : []));
      expect(new Set(caseNumbers).size).toBe(caseNumbers.length);
      // The audit trail of every application is complete after the kills: each stored event appears in it once,
      // in the store's order (docs/audit.md).
      const auditor = {
        authorization: `Bearer ${await mintToken({ sub: "crash-auditor", role: "auditor" })}`,
      };
      for (const { id } of ids) {
        const stored = (await store.readStream(`application-${id}`)).map((e) => e.id);
        await expect
          .poll(
            async () => {
              const res = await fetch(`${url}/audit/cases/${id}/timeline?reason=crash-test`, {
                headers: auditor,
              });
              const trail = (await res.json()) as { events?: { id: string; stream: string }[] };
              return (trail.events ?? []).filter((e) => e.stream === `application-${id}`).map((e) => e.id);
            },
            { timeout: 60_000, interval: 500 },
          )
          .toEqual(stored);
      }
      // Approval was killed too: every accepted application has exactly one case, and every 秒批 one exactly one
      // decision and one sealed certificate (行政许可法 第三十八条, 第四十四条), none lost, none doubled: in the
      // store, and in approval's read model (SQL tables, resumed from their checkpoint after each kill), which
      // equals a rebuild from the log folded in memory.
      const T = approvalEventTypes;
      const count = (stream: { type: string }[], type: string) =>
        stream.filter((e) => e.type === type).length;
      let cases = 0;
      let certificates = 0;
      for (const { id, outcome, auto } of ids) {
        const accepted = outcome.startsWith("accepted:");
        const caseEvents = await store.readStream(`case-${id}`);
        const permitEvents = await store.readStream(`permit-PMT-${id}`);
        expect(
          {
            opened: count(caseEvents, T.CaseOpened),
            assessedEligible: caseEvents.filter(
              (e) => e.type === T.AutoApprovalAssessed && (e.data as { eligible: boolean }).eligible,
            ).length,
            decided: count(caseEvents, T.CaseDecided),
            recorded: count(caseEvents, T.CaseCertificateIssued),
            issued: count(permitEvents, T.CertificateIssued),
            sealed: count(permitEvents, T.CertificateSigned),
          },
          id,
        ).toEqual({
          opened: accepted ? 1 : 0,
          assessedEligible: auto ? 1 : 0,
          decided: auto ? 1 : 0,
          recorded: auto ? 1 : 0,
          issued: auto ? 1 : 0,
          sealed: auto ? 1 : 0,
        });
        if (accepted) cases++;
        if (auto) certificates++;
      }
      const approvalFromLog = await rebuildMemoryModel(store, ["case", "permit"], new ApprovalModel());
      for (const { id, outcome, auto } of ids) {
        if (!outcome.startsWith("accepted:")) continue;
        const fromLog = approvalFromLog.caseFile(id);
        const expected = {
          status: auto ? "decided" : "open",
          auto: auto ? true : undefined,
          certificateNo: auto ? `PMT-${id}-01` : undefined,
        };
        expect({
          status: fromLog?.status,
          auto: fromLog?.decision?.auto,
          certificateNo: fromLog?.certificate?.certificateNo,
        }).toEqual(expected);
        // Approval's SQL read model (what the route answers from) holds the fold of the log: the same steps,
        // decision and certificate, not only the same outcome.
        const folded = JSON.parse(
          JSON.stringify({
            steps: fromLog?.steps,
            decision: fromLog?.decision,
            certificate: fromLog?.certificate,
          }),
        );
        await expect
          .poll(
            async () => {
              const res = await fetch(`${url}/approval/cases/${id}`, { headers: admin });
              // biome-ignore lint/suspicious/noExplicitAny: the case view is checked field by field
              const view: any = res.status === 200 ? await res.json() : {};
              return {
                status: view.status,
                auto: view.decision?.auto,
                certificateNo: view.certificate?.certificateNo,
                steps: view.steps,
                decision: view.decision,
                certificate: view.certificate,
              };
            },
            { timeout: 60_000, interval: 500 },
          )
          .toEqual({ ...expected, ...folded });
      }
      // By holder: each 秒批 application's certificate once, sealed, and nothing else.
      const holder = approvalFromLog.caseFile(ids.find((a) => a.auto)?.id ?? "")?.opened.applicant.subjectId;
      // One page of at most 200 (the list is paged; the run issues 60 certificates).
      const held = (await (
        await fetch(`${url}/approval/certificates?holder=${holder}&limit=200`, { headers: admin })
      ).json()) as { certificateNo: string }[];
      expect(held.map((c) => c.certificateNo).sort()).toEqual(
        ids
          .filter((a) => a.auto)
          .map((a) => `PMT-${a.id}-01`)
          .sort(),
      );
      for (const { id } of ids.filter((a) => a.auto)) {
        const sealed = approvalFromLog.certificate(`PMT-${id}-01`)?.certificate;
        expect(sealed?.signature, id).toBeDefined();
      }
      // Review-and-monitor was killed too: it followed intake's and approval's events into its clocks and pushes
      // exactly once — every submission one Art. 32 clock (行政许可法 第三十二条), every acceptance one time-limit
      // clock and one approval case clock (第四十二条), every 容缺 one supply clock, every 秒批 decision one push to
      // the supervising department (国发〔2019〕18号) and one certificate clock (第四十四条), started and stopped
      // once; no warning raised twice for one threshold; and its read model (in SQL) equals a fold of the log.
      const R = reviewAndMonitorEventTypes;
      const watch = async (clock: string) => {
        const stream = await store.readStream(`watch-${clock}`);
        return { started: count(stream, R.ClockStarted), stopped: count(stream, R.ClockStopped) };
      };
      let pushes = 0;
      for (const { id, outcome, auto } of ids) {
        const accepted = outcome.startsWith("accepted:");
        await expect
          .poll(
            async () => ({
              art32: await watch(`art32.${id}`),
              limit: (await watch(`limit.${id}`)).started,
              supply: (await watch(`supply.${id}`)).started,
              case: await watch(`case.${id}`),
              cert: await watch(`cert.${id}`),
              pushed: count(await store.readStream(`push-decision.${id}`), R.PushReceived),
            }),
            { timeout: 60_000, interval: 500 },
          )
          .toEqual({
            art32: { started: 1, stopped: 1 },
            limit: accepted ? 1 : 0,
            supply: outcome === "accepted:deferred-materials" ? 1 : 0,
            case: { started: accepted ? 1 : 0, stopped: auto ? 1 : 0 },
            cert: { started: auto ? 1 : 0, stopped: auto ? 1 : 0 },
            pushed: auto ? 1 : 0,
          });
        if (auto) pushes++;
      }
      const reviewFromLog = await rebuildMemoryModel(store, supervisionCategories, new SupervisionModel());
      for (const [clockId] of reviewFromLog.clocks) {
        const levels: string[] = [];
        for (const e of await store.readStream(`watch-${clockId}`)) {
          if (e.type === R.ClockStarted) levels.length = 0;
          if (e.type === R.DeadlineWarningRaised) levels.push((e.data as { level: string }).level);
        }
        expect(new Set(levels).size, clockId).toBe(levels.length);
      }
      // The live model against a fold of the log taken at the same moment, until they agree (the projection may
      // still be applying the last events; the scheduler may raise a warning meanwhile), for at most a minute.
      const plain = (x: unknown) => JSON.parse(JSON.stringify(x));
      const byId = (list: { pushId: string }[]) => [...list].sort((a, b) => a.pushId.localeCompare(b.pushId));
      const compare = async () => {
        const fromLog = await rebuildMemoryModel(store, supervisionCategories, new SupervisionModel());
        const get = async (path: string) =>
          plain(await (await fetch(`${url}${path}`, { headers: auditor })).json());
        /** Every page of a list, following `next-cursor`. */
        const getAll = async (path: string) => {
          const items: { pushId: string }[] = [];
          for (let after: string | null = null; ; ) {
            const res = await fetch(`${url}${path}?limit=200${after ? `&after=${after}` : ""}`, {
              headers: auditor,
            });
            items.push(...plain(await res.json()));
            after = res.headers.get("next-cursor");
            if (!after) return items;
          }
        };
        return {
          live: {
            pushes: byId(await getAll("/review-and-monitor/pushes")),
            kpis: await get("/review-and-monitor/kpis"),
          },
          fromLog: {
            pushes: byId(plain([...fromLog.pushes.values()])),
            kpis: plain(computeKpis(fromLog, {})),
          },
        };
      };
      let review = await compare();
      for (
        const until = Date.now() + 60_000;
        !isDeepStrictEqual(review.live, review.fromLog) && Date.now() < until;
      )
        review = await compare();
      expect(review.live).toEqual(review.fromLog);
      expect(review.fromLog.kpis.efficiency.decisions).toBe(pushes);
      await store.close();
      process.stdout.write(
        `crash test: ${counts.sent} commands sent, ${counts.answered} answered, ${ids.length} applications, ${events} application events, ` +
          `${cases} approval cases, ${certificates} 秒批 certificates, ${pushes} supervision pushes, ${counts.kills} kills (${counts.approvalKills} of approval, ${counts.reviewKills} of review-and-monitor), ${counts.restarts} restarts, ${counts.brokerRestarts} broker restart, ` +
          `${counts.retries} retried requests, ${counts.replayed} duplicates absorbed (idempotent replays)\n`,
      );
      expect(counts.kills).toBeGreaterThanOrEqual(MIN_KILLS);
      expect(counts.approvalKills).toBeGreaterThanOrEqual(1);
      expect(counts.reviewKills).toBeGreaterThanOrEqual(1);
      expect(counts.replayed).toBeGreaterThanOrEqual(Math.floor(APPLICATIONS / 10));
      expect(counts.brokerRestarts).toBe(1);
    } finally {
      // However the test ended (even in startDistributed): the chaos loop first, then every process.
      stop = true;
      await chaos.catch(() => undefined);
      await platform?.stop();
    }
  });
});
