// `./scripts/audit verify-bundle <file> [--key <public key base64 | file>]`: checks an exported bundle with no
// access to the platform, its database or its network (docs/audit.md). Exit code 0 when it verifies, 1 when not.
import { readFileSync } from "node:fs";
import { verifyBundle } from "../application/bundle.ts";

export function verifyBundleCli(args: readonly string[], out: (line: string) => void): number {
  const file = args[0];
  if (!file) {
    out(
      "usage: ./scripts/audit verify-bundle <bundle.json> [--key <public key, base64 SPKI DER, or a file holding it>]",
    );
    return 2;
  }
  const keyAt = args.indexOf("--key");
  let pinned: string | undefined;
  if (keyAt !== -1) {
    const value = args[keyAt + 1] ?? "";
    pinned = /^[A-Za-z0-9+/=]{40,}$/.test(value) ? value : readFileSync(value, "utf8").trim();
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    out(`FAILED: ${file} is not a JSON bundle (${error instanceof Error ? error.message : String(error)})`);
    return 1;
  }
  const result = verifyBundle(bundle, pinned);
  if (result.warning) out(`warning: ${result.warning}`);
  if (result.ok) {
    out(
      `OK: case ${result.case}: ${result.events} events, each proven in the log of ${result.treeSize} events under a valid checkpoint signature`,
    );
    return 0;
  }
  out(`FAILED: case ${result.case ?? "?"}: ${result.failures.length} check(s) failed`);
  for (const f of result.failures) out(`  ${f.where}: ${f.message}`);
  return 1;
}

if (import.meta.main) {
  process.exitCode = verifyBundleCli(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`));
}
