// Lists and rotates the departments' seal keys of a keyring folder (see packages/seal/README.md):
//   SEAL_KEYRING_DIR=… SEAL_KEYRING_PASSPHRASE=… node packages/seal/src/cli/seal-keys.ts list [--department <code>]
//   … seal-keys.ts rotate --department <code> [--at <ISO instant>]   (default: now)
//   … seal-keys.ts public-keys                                       (JSON: every public key, for verifiers)
// With NODE_ENV=production (or unset) the production checks of the keyring apply, as in the services.
import { parseArgs } from "node:util";
import { sealKeyringProblems } from "../config.ts";
import { DEVELOPMENT_SEAL_PASSPHRASE, FileKeyring, KeyringError } from "../keyring.ts";

const usage =
  "usage: seal-keys list [--department <code>] | rotate --department <code> [--at <ISO instant>] | public-keys\n";
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { department: { type: "string" }, at: { type: "string" } },
});
const command = positionals[0];
const env = process.env;
const fail = (message: string, code = 1): never => {
  process.stderr.write(`seal-keys: ${message}\n`);
  process.exit(code);
};
if (command !== "list" && command !== "rotate" && command !== "public-keys")
  fail(`unknown command\n${usage}`, 2);
if (!env.SEAL_KEYRING_DIR) fail("SEAL_KEYRING_DIR is required");
for (const problem of sealKeyringProblems(env)) fail(`${problem.variable}: ${problem.message}`);

try {
  const keyring = FileKeyring.open({
    directory: env.SEAL_KEYRING_DIR ?? "",
    passphrase: env.SEAL_KEYRING_PASSPHRASE || DEVELOPMENT_SEAL_PASSPHRASE,
    nodeEnv: env.NODE_ENV ?? "production",
  });
  if (command === "rotate") {
    if (!values.department) fail(`rotate needs --department\n${usage}`, 2);
    const { active, retired } = keyring.rotate(
      values.department ?? "",
      values.at ?? new Date().toISOString(),
    );
    process.stdout.write(
      `${values.department}: ${active.keyId} in use from ${active.createdAt}` +
        `${retired ? `; ${retired.keyId} retired` : " (first key)"}\n`,
    );
  } else if (command === "public-keys") {
    process.stdout.write(`${JSON.stringify(keyring.publicKeys(), null, 2)}\n`);
  } else {
    for (const key of keyring.publicKeys(values.department)) {
      const state = key.retiredAt === null ? "in use" : `retired ${key.retiredAt}`;
      process.stdout.write(`${key.department}  ${key.keyId}  created ${key.createdAt}  ${state}\n`);
    }
  }
} catch (error) {
  if (!(error instanceof KeyringError)) throw error;
  fail(error.message);
}
