import { chinaDate } from "@gov/calendar";
import { NotFound } from "@gov/eventsourcing";
import { asAny, type CommandContext, type Handlers, together } from "./handlers.ts";

export interface VerificationOutcome {
  outcome: "verified" | "false";
  note?: string;
  /** A false promise's finding id (the `FalsePromiseFound` it publishes). */
  findingId?: string;
}

/**
 * Records a 告知承诺 verification's outcome. A false promise is written in the same append as a `FalsePromiseFound`
 * on `finding-<findingId>` (the finding topic credit and approval follow: a credit record, and 撤销 by approval;
 * 国办发〔2020〕42号, 国发〔2021〕7号, 行政许可法 第六十九条第二款): both or neither.
 */
export async function concludeVerification(
  handlers: Handlers,
  verificationId: string,
  input: VerificationOutcome,
  ctx: CommandContext,
) {
  return together(handlers.store, async () => {
    const verified = await handlers.verifications.prepare(
      verificationId,
      { type: "ConcludeVerification", data: input },
      ctx,
    );
    if (input.outcome !== "false" || verified.kind === "answered") return [asAny(verified)];
    const state = await handlers.verifications.load(verificationId);
    if (state.status === "none") throw new NotFound("no such verification task");
    const { task } = state;
    const findingId = input.findingId as string;
    const finding = await handlers.findings.prepare(
      findingId,
      {
        type: "RecordFalsePromise",
        data: {
          findingId,
          subject: task.subject,
          department: task.department,
          legalBasis: "国办发〔2020〕42号; 国发〔2021〕7号; 《中华人民共和国行政许可法》第六十九条",
          description: input.note ?? `告知承诺核查不实 (${task.method})`,
          foundOn: chinaDate(ctx.now),
          caseId: task.caseId,
          permitId: task.permitId,
          matterId: task.matterId,
        },
      },
      ctx,
    );
    return [asAny(verified), asAny(finding)];
  });
}
