import { chinaDate } from "@gov/calendar";
import type { CommandContext } from "@gov/eventsourcing";
import { requestContext } from "@gov/runtime";
import {
  type CertificateStatus,
  certificateCheck,
  type FileKeyring,
  renderCertificatePdf,
  verificationCode,
  verify,
} from "@gov/seal";
import {
  auth,
  commandReply,
  commandResult,
  type FastifyPluginAsyncZod,
  ForbiddenProblem,
  NotFoundProblem,
  pageRequest,
  publicRoute,
  sendPage,
} from "@gov/service-kit";
import type { FastifyRequest } from "fastify";
import { type PermitCommands, signedDocumentOf, signPending } from "../application/certificates.ts";
import type { PermitCommand } from "../domain/permit/commands.ts";
import type { Certificate, Permit } from "../domain/permit/permit.ts";
import type { ApprovalReads } from "../read-models/approval-sql.ts";
import { caseworkers, mayRead, overseers } from "./access.ts";
import {
  amendBody,
  cancelBody,
  certificateParams,
  deliveryBody,
  dismissBody,
  holderQuery,
  permitParams,
  renewBody,
  rescindBody,
  revokeBody,
  verifyBody,
  withdrawBody,
} from "./schemas.ts";

export interface CertificateRouteDeps {
  permits: PermitCommands;
  keyring: FileKeyring;
  model: ApprovalReads;
  clock: () => string;
}

/** Where a certificate stands (`@gov/seal`'s status shape): superseded by a later version, or ended by a change. */
export function statusOf(p: Permit, cert: Certificate, today: string): CertificateStatus {
  const later = p.certificates.find((c) => c.supersedes === cert.certificateNo);
  if (p.ended) {
    const state = {
      withdrawn: "withdrawn",
      rescinded: "annulled",
      revoked: "revoked",
      cancelled: "cancelled",
      valid: "revoked",
    } as const;
    return { state: state[p.ended.how], since: p.ended.on, reason: p.ended.reason };
  }
  if (later) return { state: "superseded", since: later.issuedOn, replacedBy: later.certificateNo };
  if (today > cert.validUntil) return { state: "expired", since: cert.validUntil };
  return { state: "in-force" };
}

const readers = [...caseworkers, ...overseers, "window-clerk", "applicant"] as const;

/** Certificates (电子证照): read, print, verify (public), deliver; and the permit's later changes. */
export function certificateRoutes(deps: CertificateRouteDeps): FastifyPluginAsyncZod {
  const { permits, keyring, clock } = deps;
  return async (app) => {
    const ctx = (request: FastifyRequest): CommandContext => requestContext(request, clock);
    const tags = ["approval"];
    const today = () => chinaDate(clock());
    const found = async (no: string) => {
      const f = await deps.model.certificate(no);
      if (!f) throw new NotFoundProblem(`no certificate ${no}`);
      return f;
    };
    const readable = (request: FastifyRequest, cert: Certificate) => {
      if (request.context.actor?.role === "window-clerk") return;
      mayRead(request, cert.issuingDepartment.creditCode, cert.holder.subjectId);
    };

    app.get(
      "/certificates",
      { config: auth(...readers), schema: { querystring: holderQuery, tags } },
      async (request, reply) => {
        const actor = request.context.actor;
        if (actor?.role === "applicant" && actor.id !== request.query.holder)
          throw new ForbiddenProblem("an applicant reads only its own certificates");
        if (actor && caseworkers.includes(actor.role) && !actor.department)
          throw new ForbiddenProblem("the token carries no department claim");
        const page = pageRequest(request.query, ["number"]);
        return sendPage(request, reply, await deps.model.byHolderPage(request.query.holder, page));
      },
    );

    app.get(
      "/certificates/:no",
      { config: auth(...readers), schema: { params: certificateParams, tags } },
      async (request, reply) => {
        const pdf = request.params.no.endsWith(".pdf");
        const no = pdf ? request.params.no.slice(0, -4) : request.params.no;
        const { permit, certificate } = await found(no);
        readable(request, certificate);
        const signed = signedDocumentOf(certificate);
        const status = statusOf(permit, certificate, today());
        if (!pdf) {
          const { deliveries, holderIdentity: _h, ...rest } = certificate;
          return { certificate: rest, signed, status, deliveries };
        }
        if (!signed) throw new NotFoundProblem(`certificate ${no} is not sealed yet`);
        const holder = certificate.holder.name ?? `持证主体 ${certificate.holder.subjectId.slice(0, 9)}…`;
        const bytes = await renderCertificatePdf({
          title: certificate.permitName,
          number: certificate.certificateNo,
          holder,
          matter: certificate.permitName,
          caseNumber: certificate.caseNumber,
          scope: certificate.scope,
          validFrom: certificate.validFrom,
          validUntil: certificate.validUntil,
          issuingDepartment: certificate.issuingDepartment.name,
          issuedOn: certificate.issuedOn,
          keyId: signed.seal.keyId,
          verificationCode: verificationCode(signed),
          verifyHint: "POST /approval/certificates/verify",
        });
        return reply.type("application/pdf").send(Buffer.from(bytes));
      },
    );

    /** Anyone checks a presented certificate: is the seal genuine, and is it in force today? */
    app.post(
      "/certificates/verify",
      { config: publicRoute(), schema: { body: verifyBody, tags } },
      async (request) => {
        const verification = verify(request.body, keyring.publicKeys());
        const no = (request.body.document as { certificateNo?: unknown }).certificateNo;
        const f = typeof no === "string" ? await deps.model.certificate(no) : undefined;
        const status: CertificateStatus = f
          ? statusOf(f.permit, f.certificate, today())
          : { state: "cancelled", since: today(), reason: "no such certificate in the issuer's records" };
        return {
          certificateNo: typeof no === "string" ? no : null,
          ...certificateCheck(verification, status),
        };
      },
    );

    app.post(
      "/certificates/:no/delivery",
      {
        config: auth(...caseworkers, "applicant"),
        schema: { params: certificateParams, body: deliveryBody, response: { 200: commandResult }, tags },
      },
      async (request, reply) => {
        const { permit } = await found(request.params.no);
        const result = await permits.handle(
          permit.permitId,
          { type: "DeliverCertificate", data: { certificateNo: request.params.no, ...request.body } },
          ctx(request),
        );
        return commandReply(reply, permit.permitId, result);
      },
    );

    app.get(
      "/permits/:permitId",
      { config: auth(...readers), schema: { params: permitParams, tags } },
      async (request) => {
        const p = await deps.model.permit(request.params.permitId);
        if (!p) throw new NotFoundProblem(`no permit ${request.params.permitId}`);
        const cur = p.certificates.at(-1) as Certificate;
        readable(request, cur);
        return {
          permitId: p.permitId,
          status: p.status,
          ...(p.ended ? { ended: p.ended } : {}),
          certificates: p.certificates.map((c) => c.certificateNo),
          proposals: Object.values(p.proposals).map((x) => ({ ...x, open: x.open && p.status === "valid" })),
        };
      },
    );

    const change = <B>(
      path: string,
      roles: readonly ("officer" | "department-head")[],
      body: import("zod").ZodType<B>,
      command: (b: B) => Omit<PermitCommand, "metadata">,
    ) =>
      app.post(
        `/permits/:permitId/${path}`,
        {
          config: auth(...roles),
          schema: { params: permitParams, body, response: { 200: commandResult }, tags },
        },
        async (request, reply) => {
          const c = ctx(request);
          const result = await permits.handle(
            request.params.permitId,
            command(request.body as B) as Parameters<PermitCommands["handle"]>[1],
            c,
          );
          // 变更 and 延续 issue a new certificate version: sealed at once.
          if (result.events.some((e) => e.type === "CertificateIssued"))
            await signPending(permits, keyring, request.params.permitId, {
              ...c,
              actor: { id: "approval-issuer", role: "system" },
            });
          return commandReply(reply, request.params.permitId, result);
        },
      );
    const all = ["officer", "department-head"] as const;
    const heads = ["department-head"] as const;
    change("amend", all, amendBody, (data) => ({ type: "AmendPermit", data }));
    change("renew", all, renewBody, (data) => ({ type: "RenewPermit", data }));
    change("withdraw", heads, withdrawBody, (data) => ({ type: "WithdrawPermit", data }));
    change("rescind", heads, rescindBody, (data) => ({ type: "RescindPermit", data }));
    change("revoke", heads, revokeBody, (data) => ({ type: "RevokePermit", data }));
    change("cancel", all, cancelBody, (data) => ({ type: "CancelPermit", data }));
    change("dismiss-revocation", heads, dismissBody, (data) => ({ type: "DismissRevocation", data }));
  };
}
