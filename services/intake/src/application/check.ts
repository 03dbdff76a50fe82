import { chinaDate } from "@gov/calendar";
import {
  type CommandContext,
  type CommandInput,
  type EventStore,
  NotFound,
  NotPermitted,
  RuleViolation,
  StateConflict,
} from "@gov/eventsourcing";
import type { CheckApplication, DeemAccepted } from "../domain/application/commands.ts";
import { type ApplicationHandler, type ApplicationResult, applicationStream } from "./applications.ts";
import { allocateCaseNumber } from "./case-numbers.ts";

/** The commands that may accept an application, and so need a case number. */
type Accepting = CommandInput<CheckApplication> | CommandInput<DeemAccepted>;

export interface CheckDeps {
  handler: ApplicationHandler;
  /** Where the daily case serials are kept. */
  store: EventStore;
}

const withCaseNumber = (input: Accepting, caseNumber: string | undefined): Accepting => {
  const extra = caseNumber ? { caseNumber } : {};
  return input.type === "CheckApplication"
    ? { type: input.type, data: { ...input.data, ...extra } }
    : { type: input.type, data: { ...input.data, ...extra } };
};

/**
 * Looks before it acts: decides once with a placeholder case number to learn whether (and as of which day)
 * the command accepts, draws a serial of that day only then, and hands the command to the handler.
 */
async function acceptingCommand(
  deps: CheckDeps,
  applicationId: string,
  input: Accepting,
  ctx: CommandContext,
): Promise<ApplicationResult> {
  const state = await deps.handler.load(applicationId);
  // Pinned to a revision (If-Match) the stream has moved on from: the handler refuses it (409), and no serial
  // may be drawn for a command that cannot succeed (a refused request stores nothing).
  if (ctx.expectedRevision !== undefined) {
    const head = (await deps.store.streamMetadata(applicationStream(applicationId)))?.lastRevision ?? -1;
    if (head !== ctx.expectedRevision) return deps.handler.handle(applicationId, input, ctx);
  }
  let caseNumber: string | undefined;
  if (state.status !== "none") {
    const { matter } = state.submitted;
    const placeholder = (date: string) => `${matter.implementationCode}${date.replaceAll("-", "")}0000`;
    const accepts = (date: string) => {
      try {
        return deps.handler.decider
          .decide(
            { ...withCaseNumber(input, placeholder(date)), metadata: { now: ctx.now, actor: ctx.actor } },
            state,
          )
          .some((e) => e.type === "ApplicationAccepted");
      } catch (error) {
        // A refusal: the handler decides again and reports it. Anything else (a year without a published
        // working-day calendar, say) is the real answer, not a reason to ask for a case number.
        if (isRefusal(error)) return false;
        throw error;
      }
    };
    const date = [chinaDate(ctx.now), state.submitted.receivedOn].find(accepts);
    if (date) {
      caseNumber = await allocateCaseNumber(deps.store, {
        implementationCode: matter.implementationCode,
        date,
        applicationId,
        now: ctx.now,
      });
    }
  }
  return deps.handler.handle(applicationId, withCaseNumber(input, caseNumber), ctx);
}

/**
 * The window's completeness check; a case number is drawn only when the decision accepts (容缺受理 only with the
 * applicant's signed promise in `deferralPromise`).
 */
export function checkApplication(
  deps: CheckDeps,
  applicationId: string,
  data: Omit<CheckApplication["data"], "caseNumber">,
  ctx: CommandContext,
) {
  return acceptingCommand(deps, applicationId, { type: "CheckApplication", data }, ctx);
}

/** Scheduled: deemed acceptance (行政许可法 第三十二条), with a case number of the day of receipt. */
export function deemAccepted(deps: CheckDeps, applicationId: string, ctx: CommandContext) {
  return acceptingCommand(deps, applicationId, { type: "DeemAccepted", data: {} }, ctx);
}

const isRefusal = (error: unknown) =>
  error instanceof RuleViolation ||
  error instanceof StateConflict ||
  error instanceof NotFound ||
  error instanceof NotPermitted;
