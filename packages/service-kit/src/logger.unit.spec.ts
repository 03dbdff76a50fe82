import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger, maskPersonalData } from "./logger.ts";
import { formatMessage } from "./pretty-log.ts";

const ID = "11010519491231002X";
const MOBILE = "13800138000";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
  lines(): Record<string, unknown>[] {
    return this.text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
  }
}

describe("createLogger: personal data never reaches the log (个人信息保护法 第五十一条)", () => {
  it("redacts the personal fields at any depth, also in arrays, child bindings and errors", () => {
    const logs = new Capture();
    const log = createLogger({ level: "info", pretty: false, stream: logs });
    log.info({
      name: "张三",
      applicant: { idNumber: ID, contact: { phone: MOBILE, person: { legalRepresentative: "李四" } } },
      people: [{ applicantName: "王五", role: "agent" }],
      req: { headers: { authorization: "Bearer secret-token", cookie: "sid=1", accept: "*/*" } },
    });
    log.child({ mobile: MOBILE, service: "intake" }).info("child line");
    const error = Object.assign(new Error("failed"), { contactPhone: MOBILE });
    log.error({ err: error }, "with an error");
    const [first, child, failed] = logs.lines();
    expect(first).toMatchObject({
      name: "[redacted]",
      applicant: {
        idNumber: "[redacted]",
        contact: { phone: "[redacted]", person: { legalRepresentative: "[redacted]" } },
      },
      people: [{ applicantName: "[redacted]", role: "agent" }],
      req: { headers: { authorization: "[redacted]", cookie: "[redacted]", accept: "*/*" } },
    });
    expect(child).toMatchObject({ mobile: "[redacted]", service: "intake" });
    expect(failed).toMatchObject({ err: { message: "failed", contactPhone: "[redacted]" } });
    for (const secret of ["张三", "李四", "王五", "secret-token", "19491231", "38001380"]) {
      expect(logs.text).not.toContain(secret);
    }
  });

  it("masks ID numbers and mobile numbers inside any string: fields, messages, error messages", () => {
    const logs = new Capture();
    const log = createLogger({ level: "info", pretty: false, stream: logs });
    log.info(
      { note: `call ${MOBILE} about ${ID}`, deep: { a: { b: { c: [`id ${ID}`] } } } },
      `subject ${ID}`,
    );
    log.error({ err: new Error(`lookup of ${ID} failed`) }, "lookup failed");
    const [line, failed] = logs.lines();
    expect(line).toMatchObject({
      note: "call 138****8000 about 110***********2X",
      deep: { a: { b: { c: ["id 110***********2X"] } } },
      msg: "subject 110***********2X",
    });
    expect(failed).toMatchObject({ err: { message: "lookup of 110***********2X failed" } });
    expect(maskPersonalData(`x${ID}`)).toBe(`x${ID}`); // not a number on its own: left as it is
  });

  it("writes nothing it did not walk: a value nested deeper than the walk goes is replaced", () => {
    const logs = new Capture();
    const log = createLogger({ level: "info", pretty: false, stream: logs });
    log.info({ l1: { l2: { l3: { l4: { l5: { l6: { l7: { phone: MOBILE } } } } } } } });
    expect(logs.text).toContain('"l7":"[too deep]"');
    expect(logs.text).not.toContain(MOBILE);
  });
});

describe("development logging: readable lines from a worker thread", () => {
  const dir = mkdtempSync(join(tmpdir(), "pretty-log-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints one line per request (method, masked path, status, duration) and masks before the worker sees it", async () => {
    const file = join(dir, "dev.log");
    const log = createLogger({ level: "info", pretty: true, prettyDestination: file });
    const request = {
      method: "GET",
      url: `/credit/subjects/${ID}?phone=${MOBILE}`,
      routeOptions: { url: "/credit/subjects/:id" },
      raw: {},
    };
    log
      .child({ correlationId: "corr-1" })
      .info({ req: request, res: { statusCode: 200, raw: {} }, responseTime: 3.2 }, "request completed");
    log.info({ applicant: { idNumber: ID, phone: MOBILE } }, `applicant ${ID} called`);
    const read = () => {
      try {
        return readFileSync(file, "utf8");
      } catch {
        return "";
      }
    };
    await expect.poll(() => read().trim().split("\n").length, { timeout: 10_000 }).toBe(2);
    const [access, other] = read().trim().split("\n");
    expect(access).toMatch(/INFO.*GET \/credit\/subjects\/110\*{11}2X 200 3\.2 ms.*"correlationId":"corr-1"/);
    expect(other).toContain("applicant 110***********2X called");
    expect(other).toContain('"idNumber":"[redacted]"');
    expect(read()).not.toContain("19491231");
    expect(read()).not.toContain(MOBILE);
  });

  it("keeps a line's own message and adds the request to it", () => {
    const line = {
      msg: "handler failed",
      req: { method: "POST", path: "/intake/applications" },
      res: { statusCode: 500 },
    };
    expect(formatMessage(line, "msg")).toBe("handler failed (POST /intake/applications 500)");
    expect(formatMessage({ msg: "platform ready" }, "msg")).toBe("platform ready");
  });
});
