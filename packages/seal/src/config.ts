import { DEVELOPMENT_SEAL_PASSPHRASE, type KeyringOptions } from "./keyring.ts";

/** Same shape as `@gov/runtime`'s ConfigProblem, so a service can hand these to `loadCheckedConfig`'s checks. */
export interface SealConfigProblem {
  variable: string;
  message: string;
}

const MIN_PASSPHRASE_BYTES = 32;

/**
 * The production checks of the seal keyring's environment (`NODE_ENV` unset counts as production, as in
 * `@gov/runtime`'s `productionProblems`): a folder must be named, and the passphrase must be present, not the
 * published development one, and at least 32 bytes.
 */
export function sealKeyringProblems(env: Record<string, string | undefined>): SealConfigProblem[] {
  if ((env.NODE_ENV ?? "production") !== "production") return [];
  const problems: SealConfigProblem[] = [];
  if (!env.SEAL_KEYRING_DIR) {
    problems.push({
      variable: "SEAL_KEYRING_DIR",
      message: "required in production (a folder outside the event store)",
    });
  }
  const passphrase = env.SEAL_KEYRING_PASSPHRASE;
  if (!passphrase) {
    problems.push({ variable: "SEAL_KEYRING_PASSPHRASE", message: "required in production" });
  } else if (passphrase === DEVELOPMENT_SEAL_PASSPHRASE) {
    problems.push({
      variable: "SEAL_KEYRING_PASSPHRASE",
      message:
        "is the published development passphrase; generate a secret one (e.g. openssl rand -base64 48)",
    });
  } else if (Buffer.byteLength(passphrase, "utf8") < MIN_PASSPHRASE_BYTES) {
    problems.push({ variable: "SEAL_KEYRING_PASSPHRASE", message: "is too weak: shorter than 32 bytes" });
  }
  return problems;
}

/**
 * Keyring options from the environment. Outside production, a missing folder is `defaultDirectory` and a missing
 * passphrase the development one (a development keyring). Call `sealKeyringProblems` first in production.
 */
export function keyringOptionsFromEnv(
  env: Record<string, string | undefined>,
  defaultDirectory: string,
): KeyringOptions {
  return {
    directory: env.SEAL_KEYRING_DIR || defaultDirectory,
    passphrase: env.SEAL_KEYRING_PASSPHRASE || DEVELOPMENT_SEAL_PASSPHRASE,
    nodeEnv: env.NODE_ENV ?? "production",
  };
}
