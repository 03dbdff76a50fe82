import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const flagsFile = resolve(import.meta.dirname, "../../../scripts/lib/node-flags.sh");

/**
 * The V8 flags `./scripts/start` runs the embedded platform with (`HOST_NODE_FLAGS` in scripts/lib/node-flags.sh,
 * read from there so that the bench measures what a user runs).
 */
export const PLATFORM_NODE_FLAGS: readonly string[] = execFileSync(
  "bash",
  ["-c", `source "$0"; printf '%s\\n' "\${HOST_NODE_FLAGS[@]}"`, flagsFile],
  { encoding: "utf8" },
)
  .split("\n")
  .filter(Boolean);
