// Mints a JWT signed with the development key (or AUTH_JWT_SECRET) for local use:
//   node packages/service-kit/src/cli/mint-token.ts --role officer --sub officer-1 --department <code> --ttl 8h
// The token carries `iat` and `exp`; its lifetime may not exceed AUTH_MAX_TOKEN_TTL (default 12h), which the
// services refuse.
import { parseArgs } from "node:util";
import { DEFAULT_MAX_TOKEN_TTL_S, mintToken, type Role, roles } from "../auth.ts";
import { durationSeconds } from "../config.ts";

const DURATION = /^\d{1,7}[smhd]?$/;
const { values } = parseArgs({
  options: {
    role: { type: "string" },
    sub: { type: "string" },
    department: { type: "string" },
    region: { type: "string" },
    ttl: { type: "string", default: "8h" },
  },
});
const maxTtl = process.env.AUTH_MAX_TOKEN_TTL;
const maxSeconds = maxTtl && DURATION.test(maxTtl) ? durationSeconds(maxTtl) : DEFAULT_MAX_TOKEN_TTL_S;
const ttl = values.ttl ?? "8h";
const usage = `usage: mint-token --role <${roles.join("|")}> --sub <id> [--department <code>] [--region <code>] [--ttl 8h]\n`;
if (!values.role || !roles.includes(values.role as Role) || !values.sub?.trim()) {
  process.stderr.write(usage);
  process.exit(2);
}
if (!DURATION.test(ttl) || durationSeconds(ttl) <= 0 || durationSeconds(ttl) > maxSeconds) {
  process.stderr.write(`mint-token: --ttl must be a duration such as 8h, at most ${maxSeconds} s\n${usage}`);
  process.exit(2);
}
const token = await mintToken({
  sub: values.sub,
  role: values.role as Role,
  ttl: `${durationSeconds(ttl)}s`,
  ...(values.department ? { department: values.department } : {}),
  ...(values.region ? { region: values.region } : {}),
  ...(process.env.AUTH_JWT_SECRET ? { secret: process.env.AUTH_JWT_SECRET } : {}),
});
process.stdout.write(`${token}\n`);
