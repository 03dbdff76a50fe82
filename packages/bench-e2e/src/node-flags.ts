/** The V8 flags `./scripts/start` runs the embedded platform with (and the images run each service with). */
export const PLATFORM_NODE_FLAGS = ["--max-semi-space-size=16"] as const;
