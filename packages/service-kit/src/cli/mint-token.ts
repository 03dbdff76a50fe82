// Mints a JWT signed with the development key (or AUTH_JWT_SECRET) for local use:
//   node packages/service-kit/src/cli/mint-token.ts --role officer --sub officer-1 --department <code> --ttl 8h
import { parseArgs } from "node:util";
import { mintToken, type Role, roles } from "../auth.ts";

const { values } = parseArgs({
  options: {
    role: { type: "string" },
    sub: { type: "string" },
    department: { type: "string" },
    region: { type: "string" },
    ttl: { type: "string", default: "8h" },
  },
});
if (!values.role || !roles.includes(values.role as Role) || !values.sub) {
  process.stderr.write(
    `usage: mint-token --role <${roles.join("|")}> --sub <id> [--department <code>] [--region <code>] [--ttl 8h]\n`,
  );
  process.exit(2);
}
const token = await mintToken({
  sub: values.sub,
  role: values.role as Role,
  ttl: values.ttl,
  ...(values.department ? { department: values.department } : {}),
  ...(values.region ? { region: values.region } : {}),
  ...(process.env.AUTH_JWT_SECRET ? { secret: process.env.AUTH_JWT_SECRET } : {}),
});
process.stdout.write(`${token}\n`);
