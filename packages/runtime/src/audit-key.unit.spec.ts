import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditKeyFromEnv, auditKeyProblems, DEVELOPMENT_AUDIT_KEY } from "./audit-key.ts";
import { productionProblems } from "./config.ts";

const fresh = () =>
  generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "der" }).toString("base64");

describe("the audit signing key (kept outside the store; production refuses the development key)", () => {
  it("outside production, no key means the published development key", () => {
    expect(auditKeyFromEnv(undefined, "development").development).toBe(true);
    expect(auditKeyProblems({ NODE_ENV: "test" })).toEqual([]);
  });

  it("production requires a key, refuses the development key and anything not Ed25519", () => {
    expect(auditKeyProblems({ NODE_ENV: "production" })[0]?.variable).toBe("AUDIT_SIGNING_KEY");
    expect(
      auditKeyProblems({ NODE_ENV: "production", AUDIT_SIGNING_KEY: DEVELOPMENT_AUDIT_KEY })[0]?.message,
    ).toMatch(/development/);
    expect(
      productionProblems({ NODE_ENV: "production", AUDIT_SIGNING_KEY: DEVELOPMENT_AUDIT_KEY }).map(
        (p) => p.variable,
      ),
    ).toContain("AUDIT_SIGNING_KEY");
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({
      type: "pkcs8",
      format: "der",
    });
    expect(
      auditKeyProblems({ NODE_ENV: "production", AUDIT_SIGNING_KEY: rsa.toString("base64") })[0]?.message,
    ).toMatch(/Ed25519/);
    expect(auditKeyProblems({ NODE_ENV: "production", AUDIT_SIGNING_KEY: "not a key" })).toHaveLength(1);
    const key = fresh();
    expect(auditKeyProblems({ NODE_ENV: "production", AUDIT_SIGNING_KEY: key })).toEqual([]);
    expect(auditKeyFromEnv(key, "production").development).toBe(false);
    expect(() => auditKeyFromEnv(DEVELOPMENT_AUDIT_KEY, "production")).toThrow(/AUDIT_SIGNING_KEY/);
  });
});
