/** The applications read model's answer to "which cases wait for this one" (in memory or SQL). */
interface AwaitingIndex {
  awaitingResultOf(
    applicationId: string,
  ):
    | { applicationId: string; materialId: string }[]
    | Promise<{ applicationId: string; materialId: string }[]>;
}

/**
 * SEAMS for approval, which does not exist yet. Nothing here is wired, and nothing pretends to look anything up.
 *
 * 1. Releasing a "一件事" case that awaits another member's result (`awaiting-result`). When approval publishes
 *    its certificate events (a 电子证照 issued as the result of an application), intake will follow that topic
 *    and, for each event, release every case `casesReleasedBy` names: a new application command records the
 *    certificate as the awaited material's provision and turns the case from `awaiting-result` to `submitted`,
 *    so that the window checks it. Until then such a case stays `awaiting-result`, and its check is a 409 naming
 *    what it waits for.
 *
 * 2. Obtaining what the government already holds (`obtained-by-department`, 国发〔2022〕5号). Intake records the
 *    material, the department that obtains it and the certificate type to look up; once approval's certificate
 *    events exist, intake's copy of them answers `HeldCertificates.find` and the provision can carry the holder's
 *    `certificateId` (the contract already has the optional field).
 */

/** A result approval issued (the shape intake will read from approval's certificate events). */
export interface IssuedResult {
  /** The application whose result it is. */
  applicationId: string;
  certificateId: string;
  /** The certificate's type, e.g. 营业执照. */
  certificateType: string;
}

/** The cases (and which of their materials) an issued result releases. */
export const casesReleasedBy = (model: AwaitingIndex, result: IssuedResult) =>
  model.awaitingResultOf(result.applicationId);

/** The certificates a holder has, from intake's future copy of approval's certificate events. */
export interface HeldCertificates {
  find(holderSubjectId: string, certificateType: string): { certificateId: string } | undefined;
}
