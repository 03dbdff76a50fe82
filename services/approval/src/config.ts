// The variables the approval service's process reads: the runtime's, plus its seal keyring (a folder outside
// the event store). Packaging and the deployment manifests read this shape (@gov/deploy).
import { runtimeConfig } from "@gov/runtime";
import { z } from "zod";

export const environment = {
  ...runtimeConfig,
  /** The folder of the departments' seal keys (default `<DATA_DIR>/approval-seal-keys`); required in production. */
  SEAL_KEYRING_DIR: z.string().min(1).optional(),
  /** Encrypts the private seal keys at rest; required in production, never the development one. */
  SEAL_KEYRING_PASSPHRASE: z.string().min(1).optional(),
};
