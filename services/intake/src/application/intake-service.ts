import { createHash, randomUUID } from "node:crypto";
import { chinaDate, type WorkingDayCalendar } from "@gov/calendar";
import type { IntakeEventData, MaterialProvision, SubjectRef } from "@gov/contracts";
import {
  type CommandContext,
  commandIds,
  type EventStore,
  eventMetadata,
  handleCommand,
  NotFound,
  RuleViolation,
  StateConflict,
} from "@gov/eventsourcing";
import { validateCreditCode, validateResidentId } from "@gov/identifiers";
import { organisationSubjectId, personSubjectId } from "@gov/pii";
import { type ApplicationState, evolveApplication, initialApplicationState } from "../domain/application.ts";
import type { ApplicationCommand } from "../domain/commands.ts";
import { applicationDecider } from "../domain/decide.ts";
import type { CreditView } from "../views/credit-view.ts";
import type { MattersView } from "../views/matters-view.ts";
import { allocateCaseNumber } from "./case-numbers.ts";
import { applicationStream, applicationTypes, SOURCE } from "./types.ts";

export type ApplicantInput =
  | { kind: "person"; idNumber: string }
  | { kind: "organisation"; creditCode: string; name?: string };

export interface SubmitInput {
  matterId: string;
  applicant: ApplicantInput;
  channel: IntakeEventData["ApplicationSubmitted"]["channel"];
  materials: MaterialProvision[];
  informedCommitmentRequested?: boolean;
  bundleApplicationId?: string;
}

type CommandInput = {
  [K in ApplicationCommand["type"]]: Omit<Extract<ApplicationCommand, { type: K }>, "metadata">;
}[ApplicationCommand["type"]];

/** The intake service's use cases: each loads an application's stream, decides, appends. */
export class IntakeService {
  readonly #store: EventStore;
  readonly #matters: MattersView;
  readonly #credit: CreditView;
  readonly #indexKey: Buffer;
  readonly #decider;

  constructor(deps: {
    store: EventStore;
    matters: MattersView;
    credit: CreditView;
    calendar: WorkingDayCalendar;
    indexKey: Buffer;
  }) {
    this.#store = deps.store;
    this.#matters = deps.matters;
    this.#credit = deps.credit;
    this.#indexKey = deps.indexKey;
    this.#decider = applicationDecider(deps.calendar);
  }

  /** The applicant as a subject (居民身份证号 or 统一社会信用代码 checked); a person only by pseudonym. */
  applicantRef(input: ApplicantInput, field = "applicant"): SubjectRef {
    if (input.kind === "person") {
      const id = validateResidentId(input.idNumber);
      if (!id.valid) throw new RuleViolation([{ field: `${field}.idNumber`, message: id.message }]);
      return { subjectId: personSubjectId(id.normalized, this.#indexKey), kind: "person" };
    }
    const code = validateCreditCode(input.creditCode);
    if (!code.valid) throw new RuleViolation([{ field: `${field}.creditCode`, message: code.message }]);
    return {
      subjectId: organisationSubjectId(code.normalized),
      kind: "organisation",
      creditCode: code.normalized,
      ...(input.name ? { name: input.name } : {}),
    };
  }

  async application(applicationId: string): Promise<ApplicationState> {
    const events = await this.#store.readStream(applicationStream(applicationId));
    return events
      .flatMap((e) => applicationTypes.toDomain(e) ?? [])
      .reduce(evolveApplication, initialApplicationState());
  }

  /**
   * Submits an application for the matter version in force, recording the applicant's credit status as intake
   * knows it. With an Idempotency-Key the application id derives from it, so a retried submission is one
   * application.
   */
  async submit(input: SubmitInput, ctx: CommandContext) {
    const found = this.#matters.inForce(input.matterId);
    if ("problem" in found) {
      if (found.problem.startsWith("no published")) throw new NotFound(found.problem);
      throw new StateConflict(found.problem);
    }
    const applicant = this.applicantRef(input.applicant);
    const applicationId = ctx.idempotencyKey
      ? `A${createHash("sha256").update(`${ctx.actor.id}\u0000${ctx.idempotencyKey}`).digest("hex").slice(0, 24)}`
      : `A${randomUUID().replaceAll("-", "").slice(0, 24)}`;
    const result = await this.execute(
      applicationId,
      {
        type: "SubmitApplication",
        data: {
          applicationId,
          ...(input.bundleApplicationId ? { bundleApplicationId: input.bundleApplicationId } : {}),
          matter: found.ref,
          requirements: found.elements.materials,
          applicant,
          channel: input.channel,
          materials: input.materials,
          informedCommitmentRequested: input.informedCommitmentRequested ?? false,
          credit: this.#credit.of(applicant.subjectId),
        },
      },
      ctx,
    );
    return { applicationId, result };
  }

  /**
   * "一件事": one form and one set of materials for a bundle, fanned out into one application per matter that
   * share a bundle application id (domain brief §2). Materials are keyed by the bundle's merged list: a shared
   * material (e.g. the business licence) is handed in once and counts for every matter that asks for it.
   */
  async submitBundle(
    input: Omit<SubmitInput, "matterId" | "bundleApplicationId"> & { bundleId: string },
    ctx: CommandContext,
  ) {
    const bundle = this.#matters.bundle(input.bundleId);
    if (!bundle) throw new NotFound(`no published bundle ${input.bundleId}`);
    const keys = new Set(bundle.materials.map((m) => m.key));
    const unknown = input.materials.flatMap((m, i) =>
      keys.has(m.materialId)
        ? []
        : [{ field: `materials[${i}].materialId`, message: `the bundle lists no material ${m.materialId}` }],
    );
    if (unknown.length > 0) throw new RuleViolation(unknown);
    for (const { matterId } of bundle.matters) {
      const found = this.#matters.inForce(matterId);
      if ("problem" in found) throw new StateConflict(`bundle ${input.bundleId}: ${found.problem}`);
    }
    const base = ctx.idempotencyKey ?? randomUUID();
    const bundleApplicationId = `B${createHash("sha256").update(`${ctx.actor.id}\u0000${base}`).digest("hex").slice(0, 24)}`;
    const applicationIds: string[] = [];
    for (const { matterId } of bundle.matters) {
      const materials = input.materials.flatMap((given) =>
        (bundle.materials.find((m) => m.key === given.materialId)?.satisfies ?? [])
          .filter((s) => s.matterId === matterId)
          .map((s): MaterialProvision => ({ ...given, materialId: s.materialId })),
      );
      const { applicationId } = await this.submit(
        { ...input, matterId, materials, bundleApplicationId },
        { ...ctx, idempotencyKey: `${base}:${matterId}` },
      );
      applicationIds.push(applicationId);
    }
    return { bundleApplicationId, applicationIds };
  }

  /** The completeness check; a case number is drawn only when the decision accepts. */
  check(applicationId: string, defects: { materialId: string; note: string }[], ctx: CommandContext) {
    return this.#withCaseNumber(applicationId, { type: "CheckApplication", data: { defects } }, ctx);
  }

  /** Scheduled: Art. 32 deemed acceptance (with a case number of the day of receipt). */
  deemAccepted(applicationId: string, ctx: CommandContext) {
    return this.#withCaseNumber(applicationId, { type: "DeemAccepted", data: {} }, ctx);
  }

  async #withCaseNumber(
    applicationId: string,
    input: Extract<CommandInput, { type: "CheckApplication" | "DeemAccepted" }>,
    ctx: CommandContext,
  ) {
    const state = await this.application(applicationId);
    let caseNumber: string | undefined;
    if (state.status !== "none") {
      // Decide once with a placeholder to learn whether (and on which day) it accepts, then draw the serial.
      const { matter } = state.submitted;
      const placeholder = (date: string) => `${matter.implementationCode}${date.replaceAll("-", "")}0000`;
      const probe = (date: string) =>
        this.#decider.decide(
          {
            ...input,
            data: { ...input.data, caseNumber: placeholder(date) },
            metadata: { now: ctx.now, actor: ctx.actor },
          } as ApplicationCommand,
          state,
        );
      const accepting = [chinaDate(ctx.now), state.submitted.receivedOn]
        .map((date) => ({ date, events: safely(() => probe(date)) }))
        .find((p) => p.events?.some((e) => e.type === "ApplicationAccepted"));
      if (accepting) {
        caseNumber = await allocateCaseNumber(this.#store, {
          implementationCode: matter.implementationCode,
          date: accepting.date,
          applicationId,
          now: ctx.now,
        });
      }
    }
    return this.execute(
      applicationId,
      { ...input, data: { ...input.data, ...(caseNumber ? { caseNumber } : {}) } } as CommandInput,
      ctx,
    );
  }

  execute(applicationId: string, input: CommandInput, ctx: CommandContext) {
    const command = { ...input, metadata: { now: ctx.now, actor: ctx.actor } } as ApplicationCommand;
    return handleCommand({
      store: this.#store,
      streamId: applicationStream(applicationId),
      decider: this.#decider,
      types: applicationTypes,
      command,
      metadata: eventMetadata(SOURCE, ctx, { caseid: applicationId }),
      retriesOnConflict: 2,
      ...commandIds(ctx),
    });
  }
}

function safely<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
