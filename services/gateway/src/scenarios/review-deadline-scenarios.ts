import { expect, it } from "vitest";
import type { ReviewScenarioContext } from "./review-scenarios.ts";

const WAIT = { timeout: 30_000, interval: 200 };
/** A China date at 10:00 China time, as an instant every service's clock is set to. */
const at = (date: string) => `${date}T10:00:00+08:00`;
const dayAfter = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/**
 * The supervising side's deadlines on the same platform, with every service's clock moved (CLOCK=adjustable),
 * never a sleep: a 告知承诺 permit whose promise is sampled, checked and found false (国办发〔2020〕42号) — credit lists
 * the holder and approval rescinds the permit (行政许可法 第六十九条); a yellow and then a red warning on approval's
 * case clock as the clock moves, against the due date approval shows (行政许可法 第四十二条); a complaint answered
 * after its deadline (国办发〔2019〕51号, 国办发〔2020〕53号).
 */
export function reviewDeadlineScenarios(s: () => ReviewScenarioContext) {
  const dept = () => s().elements.implementingDepartment.creditCode;
  const officer = (method: string, path: string, body?: object) =>
    s().call(method, path, "officer", body, { department: dept() });
  const head = (method: string, path: string, body?: object) =>
    s().call(method, path, "department-head", body, { department: dept() });
  const supervisor = (method: string, path: string, body?: object) =>
    s().call(method, path, "supervisor", body);
  // The hygiene matter names its implementing department as the supervising one (监管主体).
  const regulator = (method: string, path: string, body?: object) =>
    s().call(method, path, "regulator", body, { department: dept() });
  const runScheduler = async () => {
    const r = await s().call("POST", "/review-and-monitor/scheduler/run", "system");
    expect(r.status, JSON.stringify(r.json)).toBe(200);
  };
  /** Submitted and accepted on the suite's first day; approval has opened its case. */
  const acceptedCase = async (body: object) => {
    const id = await s().submit(body);
    const checked = await s().check(id);
    expect(checked.json.events, JSON.stringify(checked.json)).toEqual([{ type: "ApplicationAccepted" }]);
    await expect.poll(async () => (await officer("GET", `/approval/cases/${id}`)).status, WAIT).toBe(200);
    return id;
  };
  const decideApproved = async (id: string) => {
    const steps = (await officer("GET", `/approval/cases/${id}`)).json.steps as unknown[];
    for (let i = 0; i < steps.length; i++) {
      expect((await officer("POST", `/approval/cases/${id}/steps/${i}/claim`)).status).toBe(200);
      const done = await officer("POST", `/approval/cases/${id}/steps/${i}/complete`, {
        opinion: "审查意见",
        recommendation: "approve",
      });
      expect(done.status, JSON.stringify(done.json)).toBe(200);
    }
    const decided = await head("POST", `/approval/cases/${id}/decision`, { outcome: "approved" });
    expect(decided.status, JSON.stringify(decided.json)).toBe(200);
    return decided.json.certificateNo as string;
  };

  it("review: a 告知承诺 permit is sampled, its promise found false: credit lists the holder, approval rescinds the permit", async () => {
    await s().setClock(s().start);
    const holder = s().promiseCompany;
    const promised = [...s().complete].map((m) =>
      (m as { materialId: string }).materialId === "M03" ? { materialId: "M03", provision: "promised" } : m,
    );
    const id = await acceptedCase(s().forMatter(promised, holder, { informedCommitmentRequested: true }));
    const certificateNo = await decideApproved(id);
    const certificate = await officer("GET", `/approval/certificates/${certificateNo}`);
    const permitId = certificate.json.certificate.permitId as string;
    // The task follows the matter's rules (none named: 书面核查, every permit drawn); its draw is recorded.
    await expect
      .poll(
        async () =>
          (await supervisor("GET", "/review-and-monitor/verifications?status=open&limit=200")).json?.find(
            (v: { permitId: string }) => v.permitId === permitId,
          ),
        WAIT,
      )
      .toMatchObject({ caseId: id, sampling: { sampled: true }, subject: { subjectId: `O${holder}` } });
    const findingId = `FP-${s().tag}`;
    const outcome = await regulator("POST", `/review-and-monitor/verifications/${permitId}/outcome`, {
      outcome: "false",
      findingId,
      note: "承诺已取得的场所卫生检测报告不存在",
    });
    expect(outcome.status, JSON.stringify(outcome.json)).toBe(201);
    expect(
      (
        await regulator("POST", `/review-and-monitor/verifications/${permitId}/outcome`, {
          outcome: "verified",
        })
      ).status,
    ).toBe(409);
    // credit: a proposed entry for the false promise; approval: 撤销 (the certificate is annulled).
    await expect
      .poll(
        async () =>
          ((await s().call("GET", `/credit/subjects/O${holder}`, "credit-admin")).json?.listings ?? []).some(
            (l: { reason?: string }) => l.reason?.includes("虚假承诺"),
          ),
        WAIT,
      )
      .toBe(true);
    await expect
      .poll(
        async () => (await officer("GET", `/approval/certificates/${certificateNo}`)).json?.status?.state,
        WAIT,
      )
      .toBe("annulled");
    const kpis = (await supervisor("GET", `/review-and-monitor/kpis?department=${dept()}`)).json;
    expect(kpis.efficiency.falsePromise.count).toBeGreaterThanOrEqual(1);
  });

  it("review: approval's case clock turns yellow and then red as the clock moves, on the due date approval shows", async () => {
    await s().setClock(s().start);
    const id = await acceptedCase(s().forMatter(s().complete));
    const dueOn = (await officer("GET", `/approval/cases/${id}`)).json.clock.dueOn as string;
    const clockId = `case.${id}`;
    const warning = async (level: "yellow" | "red") =>
      (
        (
          await supervisor(
            "GET",
            `/review-and-monitor/warnings?level=${level}&department=${dept()}&limit=200`,
          )
        ).json ?? []
      ).find((c: { clockId: string }) => c.clockId === clockId);
    // On the due day no working day is left: yellow (≤ 2 left), not yet red. The scheduler is run until
    // review-and-monitor has followed approval's CaseOpened (a run before that has nothing to warn about).
    await s().setClock(at(dueOn));
    expect((await officer("GET", `/approval/cases/${id}`)).json.clock.dueOn).toBe(dueOn);
    await expect
      .poll(async () => {
        await runScheduler();
        return (await warning("yellow"))?.dueOn;
      }, WAIT)
      .toBe(dueOn);
    expect(await warning("red")).toBeUndefined();
    // The officer's view agrees at the same instant: one deadline rule for both services.
    expect((await officer("GET", `/approval/cases/${id}`)).json.clock.flag).toBe("yellow");
    await runScheduler(); // raised once per threshold: a second run adds nothing
    expect((await warning("yellow"))?.warnings).toHaveLength(1);
    // The day after the due date: red, and in the overdue list.
    await s().setClock(at(dayAfter(dueOn)));
    await expect
      .poll(async () => {
        await runScheduler();
        return (await warning("red"))?.dueOn;
      }, WAIT)
      .toBe(dueOn);
    expect((await officer("GET", `/approval/cases/${id}`)).json.clock.flag).toBe("red");
    expect(
      (await supervisor("GET", "/review-and-monitor/overdue?limit=200")).json.map(
        (c: { clockId: string }) => c.clockId,
      ),
    ).toContain(clockId);
    // The decision (back on the first day: a certificate due in 2027 would need the unpublished 2027 calendar)
    // stops the clock and clears its warnings.
    await s().setClock(s().start);
    await decideApproved(id);
    await expect.poll(async () => await warning("red"), WAIT).toBeUndefined();
  });

  it("review: a complaint answered after its deadline is recorded late, warned red before, and counts against on-time", async () => {
    await s().setClock(s().start);
    const onTime = async () =>
      (await supervisor("GET", `/review-and-monitor/kpis?department=${dept()}`)).json.complaints
        .onTimeAnswers;
    const before = await onTime();
    const complaintId = `GD-LATE-${s().tag}`;
    const registered = await supervisor("POST", "/review-and-monitor/complaints", {
      complaintId,
      channel: "zhaocha-window",
      category: "complaint",
      summary: "窗口以系统故障为由拒收申请材料",
      complainant: `O${s().goodCompany}`,
      department: s().elements.implementingDepartment,
    });
    expect(registered.status, JSON.stringify(registered.json)).toBe(201);
    const id = `C${complaintId}`;
    expect(
      (
        await officer("POST", `/review-and-monitor/feedback/${id}/steps`, {
          step: "accept",
          outcome: "accepted",
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await supervisor("POST", `/review-and-monitor/feedback/${id}/steps`, {
          step: "verify",
          outcome: "founded",
        })
      ).status,
    ).toBe(201);
    const loop = (await supervisor("GET", `/review-and-monitor/feedback/${id}`)).json;
    expect(loop.step).toBe("answer");
    const answerDue = loop.dueOn as string;
    // Past the answer's deadline (15 working days, 国办发〔2019〕51号): the scheduler warns red on the loop's clock.
    await s().setClock(at(dayAfter(answerDue)));
    const red = async () =>
      (
        (await supervisor("GET", `/review-and-monitor/warnings?level=red&department=${dept()}&limit=200`))
          .json ?? []
      ).some((c: { clockId: string }) => c.clockId === `loop.${id}`);
    await expect
      .poll(async () => {
        await runScheduler();
        return red();
      }, WAIT)
      .toBe(true);
    const answered = await officer("POST", `/review-and-monitor/feedback/${id}/steps`, {
      step: "answer",
      outcome: "rectified",
      note: "已恢复系统并电话告知",
    });
    expect(answered.status, JSON.stringify(answered.json)).toBe(201);
    await expect
      .poll(
        async () => (await supervisor("GET", `/review-and-monitor/feedback/${id}`)).json?.steps?.at(-1),
        WAIT,
      )
      .toMatchObject({ step: "answer", late: true });
    const after = await onTime();
    expect(after.total).toBe(before.total + 1);
    expect(after.count).toBe(before.count);
    await s().setClock(s().start);
  });
}
