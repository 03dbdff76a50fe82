import type { Role } from "@gov/contracts";
import type { CommandInput, EventStore } from "@gov/eventsourcing";
import { RuleViolation } from "@gov/eventsourcing";
import type { MessagingLogger } from "@gov/messaging";
import { identifySubject, type KeyVault } from "@gov/pii";
import { requestContext } from "@gov/runtime";
import {
  auth,
  BadRequestProblem,
  commandReply,
  commandResult,
  type FastifyPluginAsyncZod,
  ForbiddenProblem,
  NotFoundProblem,
  Problem,
  problemBody,
  problemType,
  publicRoute,
  sendPage,
} from "@gov/service-kit";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { eraseIdentity, openIdentity } from "../application/erase.ts";
import { lookupLimiter, lookupsOf, recordLookup } from "../application/lookups.ts";
import { registerSubject } from "../application/register.ts";
import { runDueProcesses } from "../application/scheduler.ts";
import type { SubjectCommands } from "../application/subjects.ts";
import type { MeasuresList } from "../domain/measures.ts";
import { personalDataProblems } from "../domain/personal-data.ts";
import type { SubjectCommand } from "../domain/subject/commands.ts";
import type { ListingView, SubjectView } from "../read-models/registry.ts";
import type { SqlRegistry } from "../read-models/registry-sql.ts";
import {
  erasureBody,
  listingBody,
  listingParams,
  listParams,
  lookupBody,
  objectionBody,
  objectionDecisionBody,
  pageQuery,
  registrationBody,
  registrationResult,
  removalBody,
  removalDecisionBody,
  repairBody,
  repairDecisionBody,
  subjectParams,
  withdrawBody,
} from "./schemas.ts";

/**
 * Casework on credit records — registering subjects, entering, withdrawing and deciding on entries — is the
 * credit administrators' alone: `admin` administers the platform and does no casework (separation of duties,
 * GB/T 22239-2019; docs/service-kit.md). `admin` keeps erasure on request and read access.
 */
const creditAdmins: readonly Role[] = ["credit-admin"];
/** What a person's sealed free text reads as once the person's key is destroyed. */
const ERASED_TEXT = "(erased)";
/** Who reads the record of look-ups (who looked up whom, and why): credit administrators and auditors. */
const lookupReaders: readonly Role[] = ["credit-admin", "auditor"];
/** Other services' roles, auditors and the platform: they read a subject's status (never a person). */
const readers: readonly Role[] = [
  "window-clerk",
  "officer",
  "regulator",
  "credit-admin",
  "auditor",
  "admin",
  "system",
];

export interface CreditRouteDeps {
  store: EventStore;
  subjects: SubjectCommands;
  registry: SqlRegistry;
  measures: MeasuresList;
  vault: KeyVault;
  indexKey: Buffer;
  clock: () => string;
  logger: MessagingLogger;
  /** Look-ups a caller may make in any 60 seconds (then 429 with retry-after). */
  lookupsPerMinute: number;
}

/**
 * HTTP → commands and queries. Credit administrators manage entries and decide; the subject (an applicant whose
 * token's subject is its subject id) or an administrator on its behalf objects, asks for repair and applies for
 * removal from the 经营异常名录; other services' roles and auditors read; an applicant reads only its own record.
 */
export function creditRoutes(deps: CreditRouteDeps): FastifyPluginAsyncZod {
  const { store, subjects, registry, measures, vault, indexKey, clock } = deps;
  const limiter = lookupLimiter(deps.lookupsPerMinute, clock);
  return async (app) => {
    const ctx = (request: FastifyRequest) => requestContext(request, clock);
    /** A list's cursor (`after`): the position of the last item of the page before, a whole number. */
    const seqCursor = (after: string | undefined): { after?: number } => {
      if (after === undefined) return {};
      const n = Number(after);
      if (!/^\d{1,15}$/.test(after) || !Number.isSafeInteger(n))
        throw new BadRequestProblem("not a cursor of this list", [
          { field: "query.after", message: "use the next-cursor of the page before" },
        ]);
      return { after: n };
    };
    /**
     * Fails closed: a caller acts on a subject's record only when its role is one of `staff`, or it is the
     * applicant whose token's subject is that subject id. Anything else — another subject, an unknown role, no
     * caller — is a 403.
     */
    const mayAct = (request: FastifyRequest, subjectId: string, staff: readonly Role[]) => {
      const actor = request.context.actor;
      if (actor && staff.includes(actor.role)) return;
      if (actor?.role === "applicant" && actor.id === subjectId) return;
      throw new ForbiddenProblem("an applicant may act only on its own credit record");
    };
    /** Who may read the free text about a person: credit administrators and the person itself. */
    const mayReadText = (request: FastifyRequest, subjectId: string) => {
      const actor = request.context.actor;
      return actor?.role === "credit-admin" || (actor?.role === "applicant" && actor.id === subjectId);
    };
    /**
     * An entry as a reader may see it: a person's sealed reason opened for those who may read it, `(erased)` once
     * the person's identity is erased (or its erasure is under way), else `(sealed)`; never the ciphertext.
     */
    const shownListing = async (s: SubjectView, l: ListingView, mayRead: boolean) => {
      const { sealedText, ...rest } = l;
      if (!sealedText) return rest;
      if (s.erased || s.erasure) return { ...rest, reason: ERASED_TEXT };
      if (!mayRead) return rest;
      const opened = await vault.open(s.subjectId, sealedText);
      if (opened === undefined) return { ...rest, reason: ERASED_TEXT };
      const reason = (opened as { reason?: unknown }).reason;
      return typeof reason === "string" ? { ...rest, reason } : rest;
    };
    const view = async (s: SubjectView, reader: { identity: boolean; text: boolean }) => {
      const { identity, history: _h, listings, ...rest } = s;
      // Only credit administrators see a person's (masked) number and name, opened with the subject's key.
      const person =
        reader.identity && identity ? await openIdentity(vault, s.subjectId, identity) : undefined;
      const shown = await Promise.all(listings.map((l) => shownListing(s, l, reader.text)));
      return { ...rest, listings: shown, ...(person ? { person } : {}) };
    };

    app.post(
      "/subjects",
      {
        config: auth(...creditAdmins),
        schema: {
          body: registrationBody,
          response: { 200: registrationResult, 201: registrationResult },
          tags: ["credit"],
        },
      },
      async (request, reply) => {
        const r = await registerSubject({ subjects, vault, indexKey }, request.body, ctx(request));
        const { created, warnings } = r;
        return reply
          .status(created ? 201 : 200)
          .send(commandReply(reply, r.subjectId, r.result, { created, warnings }));
      },
    );

    app.post(
      "/lookup",
      { config: auth(...readers, "applicant"), schema: { body: lookupBody, tags: ["credit"] } },
      async (request, reply) => {
        const actor = request.context.actor;
        if (!actor) throw new ForbiddenProblem();
        const wait = limiter.take(`${actor.role}/${actor.id}`);
        if (wait > 0) {
          const problem = new Problem(
            429,
            "Too Many Requests",
            `at most ${deps.lookupsPerMinute} look-ups a minute per caller; try again in ${wait} s`,
            undefined,
            { type: problemType("rate-limited"), extensions: { retryAfter: wait } },
          );
          return reply
            .status(429)
            .header("retry-after", String(wait))
            .type("application/problem+json")
            .send(problemBody(problem, request.url));
        }
        const { purpose, idNumber, creditCode } = request.body;
        const problems = personalDataProblems({ purpose });
        if (problems.length > 0) throw new RuleViolation(problems);
        const identifier = idNumber !== undefined ? { idNumber } : { creditCode: creditCode ?? "" };
        const found = identifySubject(identifier, indexKey);
        if (!found.ok) throw new RuleViolation([{ field: found.field, message: found.message }]);
        const { subjectId } = found;
        mayAct(request, subjectId, readers);
        const s = await registry.get(subjectId);
        const kind = idNumber !== undefined ? "idNumber" : "creditCode";
        await recordLookup(
          store,
          { subjectId, identifier: kind, registered: s !== undefined, purpose },
          ctx(request),
        );
        if (!s) return { subjectId, registered: false, status: "normal", measures: measures.measures.normal };
        return {
          registered: true,
          ...(await view(s, { identity: false, text: mayReadText(request, subjectId) })),
        };
      },
    );

    app.get(
      "/subjects/:subjectId/lookups",
      {
        config: auth(...lookupReaders),
        schema: { params: subjectParams, querystring: pageQuery, tags: ["credit"] },
      },
      async (request, reply) => {
        const { limit, after } = request.query;
        const cursor = seqCursor(after);
        const page = await lookupsOf(store, request.params.subjectId, {
          limit,
          ...(cursor.after === undefined ? {} : { after: cursor.after }),
        });
        return sendPage(request, reply, page);
      },
    );

    app.get(
      "/subjects/:subjectId",
      { config: auth(...readers, "applicant"), schema: { params: subjectParams, tags: ["credit"] } },
      async (request) => {
        mayAct(request, request.params.subjectId, readers);
        const s = await registry.get(request.params.subjectId);
        if (!s) throw new NotFoundProblem(`no subject ${request.params.subjectId}`);
        const { subjectId } = request.params;
        return view(s, {
          identity: request.context.actor?.role === "credit-admin",
          text: mayReadText(request, subjectId),
        });
      },
    );

    const historyReaders: readonly Role[] = ["credit-admin", "admin", "auditor", "regulator"];
    app.get(
      "/subjects/:subjectId/history",
      {
        config: auth(...historyReaders, "applicant"),
        schema: { params: subjectParams, tags: ["credit"] },
      },
      async (request) => {
        mayAct(request, request.params.subjectId, historyReaders);
        const s = await registry.get(request.params.subjectId, { history: true });
        if (!s) throw new NotFoundProblem(`no subject ${request.params.subjectId}`);
        return s.history;
      },
    );

    app.post(
      "/subjects/:subjectId/listings",
      {
        config: auth(...creditAdmins),
        schema: {
          params: subjectParams,
          body: listingBody,
          response: { 201: commandResult },
          tags: ["credit"],
        },
      },
      async (request, reply) => {
        const { subjectId } = request.params;
        const { startDate, validUntil, severity, ground, ...rest } = request.body;
        const r = await subjects.handle(
          subjectId,
          {
            type: "ProposeListing",
            data: {
              ...rest,
              ...(startDate ? { startDate } : {}),
              ...(validUntil ? { validUntil } : {}),
              ...(severity ? { severity } : {}),
              ...(ground ? { ground } : {}),
              source: { kind: "manual" },
            },
          },
          ctx(request),
        );
        return reply.status(201).send(commandReply(reply, subjectId, r));
      },
    );

    /** The options of a command on one entry, `POST /subjects/:subjectId/listings/:listingId/<command>`. */
    const entryRoute = <Body extends z.ZodType>(roles: readonly Role[], body: Body) => ({
      config: auth(...roles),
      schema: { params: listingParams, body, response: { 200: commandResult }, tags: ["credit"] },
    });
    const onEntry = async (
      request: FastifyRequest,
      reply: FastifyReply,
      subjectId: string,
      command: CommandInput<SubjectCommand>,
    ) => {
      mayAct(request, subjectId, creditAdmins);
      return commandReply(reply, subjectId, await subjects.handle(subjectId, command, ctx(request)));
    };
    const entry = "/subjects/:subjectId/listings/:listingId";
    // The subject itself may object, ask for repair and apply for removal from the 经营异常名录.
    const subjectOrAdmins: readonly Role[] = [...creditAdmins, "applicant"];

    app.post(`${entry}/objection`, entryRoute(subjectOrAdmins, objectionBody), async (request, reply) => {
      const { subjectId, listingId } = request.params;
      const { grounds } = request.body;
      return onEntry(request, reply, subjectId, { type: "FileObjection", data: { listingId, grounds } });
    });
    app.post(
      `${entry}/objection/decision`,
      entryRoute(creditAdmins, objectionDecisionBody),
      async (request, reply) => {
        const { subjectId, listingId } = request.params;
        const data = { listingId, ...request.body };
        return onEntry(request, reply, subjectId, { type: "DecideObjection", data });
      },
    );
    app.post(`${entry}/repair`, entryRoute(subjectOrAdmins, repairBody), async (request, reply) => {
      const { subjectId, listingId } = request.params;
      const data = { listingId, ...request.body };
      return onEntry(request, reply, subjectId, { type: "RequestRepair", data });
    });
    app.post(
      `${entry}/repair/decision`,
      entryRoute(creditAdmins, repairDecisionBody),
      async (request, reply) => {
        const { subjectId, listingId } = request.params;
        const data = { listingId, ...request.body };
        return onEntry(request, reply, subjectId, { type: "DecideRepair", data });
      },
    );
    // 移出经营异常名录: the company (or an administrator for it) applies after rectifying; an administrator decides.
    app.post(`${entry}/removal`, entryRoute(subjectOrAdmins, removalBody), async (request, reply) => {
      const { subjectId, listingId } = request.params;
      const data = { listingId, ...request.body };
      return onEntry(request, reply, subjectId, { type: "RequestAbnormalOperationRemoval", data });
    });
    app.post(
      `${entry}/removal/decision`,
      entryRoute(creditAdmins, removalDecisionBody),
      async (request, reply) => {
        const { subjectId, listingId } = request.params;
        const data = { listingId, ...request.body };
        return onEntry(request, reply, subjectId, { type: "DecideAbnormalOperationRemoval", data });
      },
    );
    app.post(`${entry}/withdraw`, entryRoute(creditAdmins, withdrawBody), async (request, reply) => {
      const { subjectId, listingId } = request.params;
      const { reason } = request.body;
      return onEntry(request, reply, subjectId, { type: "WithdrawListing", data: { listingId, reason } });
    });

    app.post(
      "/subjects/:subjectId/erasure",
      {
        config: auth("admin"),
        schema: {
          params: subjectParams,
          body: erasureBody,
          response: { 200: commandResult },
          tags: ["credit"],
        },
      },
      async (request, reply) => {
        const { subjectId } = request.params;
        const r = await eraseIdentity({ subjects, vault }, subjectId, request.body.request, ctx(request));
        return commandReply(reply, subjectId, r);
      },
    );

    app.get(
      "/lists/:list",
      { config: publicRoute(), schema: { params: listParams, querystring: pageQuery, tags: ["credit"] } },
      async (request, reply) => {
        const { limit, after } = request.query;
        const page = await registry.onList(request.params.list, { limit, ...seqCursor(after) });
        const items = page.items.map(({ listing: { sealedText: _sealed, ...listing }, ...rest }) => ({
          ...rest,
          listing,
        }));
        return sendPage(request, reply, { ...page, items });
      },
    );

    app.get("/measures", { config: publicRoute(), schema: { tags: ["credit"] } }, async () => measures);

    app.post("/scheduler/run", { config: auth("admin", "system"), schema: { tags: ["credit"] } }, async () =>
      runDueProcesses(subjects, registry, clock(), deps.logger),
    );
  };
}
