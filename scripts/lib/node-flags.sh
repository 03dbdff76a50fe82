# The V8 flags of a platform process started on a host (scripts/start, scripts/stack; bench:e2e reads them
# from here too). docs/operations.md, "Memory":
# - the young generation capped at 16 MiB a semi-space, as in the images (START_COMMAND, packages/deploy;
#   node-flags.unit.spec.ts there fails if the two part);
# - the old generation capped at MAX_OLD_SPACE_MB (default 384). On a host without a memory limit Node sizes
#   V8's heap from the machine's memory, and under load the heap filled with garbage before V8 collected it.
#   A container's memory limit sizes the heap there, so the images do not set it.
HOST_NODE_FLAGS=(--max-semi-space-size=16 "--max-old-space-size=${MAX_OLD_SPACE_MB:-384}")
