import { createHash, createHmac } from "node:crypto";
import { chinaDate } from "@gov/calendar";
import type { ReviewAndMonitorEventData } from "@gov/contracts";
import { NotFound, NotPermitted, RuleViolation } from "@gov/eventsourcing";
import { isBadRating } from "../domain/rating/rating.ts";
import type { CasesCopy } from "../read-models/cases-copy.ts";
import { asAny, type CommandContext, type Handlers, together } from "./handlers.ts";
import { openLoop } from "./loop.ts";

type Rating = ReviewAndMonitorEventData["RatingSubmitted"];

/**
 * The rater as stored: HMAC-SHA-256 of its subject id under the platform's PII index key, with a purpose label
 * (国办发〔2019〕51号: 保护评价人隐私). Without the key nobody can tell who rated, nor link it to credit's ids.
 */
export const raterPseudonym = (subjectId: string, indexKey: Buffer) =>
  createHmac("sha256", indexKey).update(`review-and-monitor:rater:${subjectId}`).digest("hex");

/** One rating per case, channel and rater: its id is derived from the three, so a second is the same stream. */
export const ratingIdOf = (caseId: string, channel: string, rater: string) =>
  `R${createHash("sha256").update(`${caseId}\n${channel}\n${rater}`).digest("hex").slice(0, 32)}`;

export interface RateInput {
  caseId: string;
  channel: Rating["channel"];
  level: Rating["level"];
  dimensions?: Record<string, number>;
  comment?: string;
}

/**
 * 国办发〔2019〕51号: the applicant rates its own case online (一事一评, 综合点评), the window's device takes it on site
 * (一次一评) for the case's applicant, the supervising side rates as 监督查评. A 差评 opens its closed loop in the
 * same write, with the clock of its first step.
 */
export async function rate(
  deps: { handlers: Handlers; cases: CasesCopy; indexKey: Buffer },
  input: RateInput,
  ctx: CommandContext,
) {
  const found = await deps.cases.get(input.caseId);
  if (!found) throw new NotFound(`no case ${input.caseId} is known to review-and-monitor`);
  const { actor } = ctx;
  const channels: Record<string, readonly Rating["channel"][]> = {
    applicant: ["per-case", "comprehensive"],
    "window-clerk": ["on-site"],
    supervisor: ["supervisory"],
  };
  const allowed = channels[actor.role];
  if (!allowed) throw new NotPermitted("this role does not rate");
  if (!allowed.includes(input.channel))
    throw new RuleViolation([
      { field: "channel", message: `${actor.role} rates on ${allowed.join(" or ")}` },
    ]);
  if (actor.role === "applicant" && actor.id !== found.applicant)
    throw new NotPermitted("an applicant rates only its own cases");
  if (actor.role === "window-clerk" && (!actor.region || actor.region !== found.region))
    throw new NotPermitted("a window clerk takes ratings for the cases of its own region");
  // The supervisor rates as itself (监督查评); otherwise the rater is the case's applicant.
  const rater = raterPseudonym(actor.role === "supervisor" ? actor.id : found.applicant, deps.indexKey);
  const ratingId = ratingIdOf(input.caseId, input.channel, rater);
  const data: Rating = {
    ratingId,
    caseId: input.caseId,
    department: found.department,
    matterId: found.matterId,
    channel: input.channel,
    level: input.level,
    ...(input.dimensions ? { dimensions: input.dimensions } : {}),
    ...(input.comment ? { comment: input.comment } : {}),
    rater,
    enteredBy: actor.role === "window-clerk" ? "window" : "applicant",
    ratedOn: chinaDate(ctx.now),
  };
  const { handlers } = deps;
  const result = await together(handlers.store, async () => {
    const rating = await handlers.ratings.prepare(ratingId, { type: "SubmitRating", data }, ctx);
    if (rating.kind === "answered" || !isBadRating(input.level)) return [asAny(rating)];
    const loop = await openLoop(
      handlers,
      {
        feedbackId: `F${ratingId}`,
        kind: "bad-rating",
        ratingId,
        raisedBy: rater,
        caseId: input.caseId,
        matterId: found.matterId,
        department: found.department,
        openedOn: data.ratedOn,
      },
      ctx,
    );
    return [asAny(rating), ...loop];
  });
  return { ratingId, result, feedbackId: isBadRating(input.level) ? `F${ratingId}` : undefined };
}
