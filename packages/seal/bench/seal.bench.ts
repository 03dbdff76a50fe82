/**
 * Electronic seal and certificate PDF figures, in one run:
 *
 *   pnpm bench:seal                       (or: node packages/seal/bench/seal.bench.ts)
 *   BENCH_SCALE=0.2 pnpm bench:seal       (fewer iterations)
 *
 * Rows: sealing a ~1 KB certificate through the keyring (RFC 8785 canonical JSON + SM2/SM3), verifying it
 * (canonical JSON + SM2 verification, public key parsed once and cached), the bare SM2 primitives on the same
 * bytes, and rendering the A4 PDF (the first render of a process decompresses the font: shown apart).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEVELOPMENT_SEAL_PASSPHRASE, FileKeyring } from "../src/keyring.ts";
import { renderCertificatePdf } from "../src/pdf.ts";
import { sealedBytes, verificationCode, verify } from "../src/seal.ts";
import { generateSm2KeyPair, sm2PrivateScalar, sm2PublicPointOf, sm2Sign, sm2Verify } from "../src/sm2.ts";

const print = (line: string) => process.stdout.write(`${line}\n`);
const scale = Number(process.env.BENCH_SCALE ?? "1");
const DEPARTMENT = "11330106002482448A";

const certificate = {
  number: "JY13301060012345",
  version: 1,
  holder: { kind: "organisation", creditCode: "91330106MA2B3C4D5E", display: "杭州西湖某某餐饮有限公司" },
  matter: { id: "330000-FOOD-001", version: 3, name: "食品经营许可（新办）" },
  caseNumber: "330106-20260302-000123",
  scope: "预包装食品（含冷藏冷冻食品）销售，散装食品（不含冷藏冷冻食品）销售，热食类食品制售。".repeat(4),
  validity: { from: "2026-03-02", until: "2031-03-01" },
  issuingDepartment: { creditCode: DEPARTMENT, name: "杭州市西湖区市场监督管理局" },
  issuedAt: "2026-03-02T01:00:00.000Z",
};

function perSecond(count: number, work: (i: number) => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) work(i);
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const dir = mkdtempSync(join(tmpdir(), "seal-bench-"));
try {
  const keyring = FileKeyring.open({
    directory: dir,
    passphrase: DEVELOPMENT_SEAL_PASSPHRASE,
    nodeEnv: "development",
  });
  const signed = keyring.sign(DEPARTMENT, certificate, certificate.issuedAt);
  const keys = keyring.publicKeys();
  const bytes = sealedBytes(signed.document, signed.seal);

  const n = Math.max(20, Math.round(500 * scale));
  const seal = perSecond(n, () => keyring.sign(DEPARTMENT, certificate, certificate.issuedAt));
  const check = perSecond(n, () => {
    if (!verify(signed, keys, { department: DEPARTMENT }).valid) throw new Error("verification failed");
  });
  const pair = generateSm2KeyPair();
  const d = sm2PrivateScalar(pair.privateKey);
  const point = sm2PublicPointOf(pair.publicKey);
  const signature = sm2Sign(bytes, d, undefined, point);
  const sign = perSecond(n, () => sm2Sign(bytes, d, undefined, point));
  const bare = perSecond(n, () => {
    if (!sm2Verify(bytes, signature, point)) throw new Error("verification failed");
  });

  const printable = {
    title: "食品经营许可证",
    number: certificate.number,
    holder: certificate.holder.display,
    matter: certificate.matter.name,
    caseNumber: certificate.caseNumber,
    scope: certificate.scope,
    validFrom: certificate.validity.from,
    validUntil: certificate.validity.until,
    issuingDepartment: certificate.issuingDepartment.name,
    issuedOn: "2026-03-02",
    keyId: signed.seal.keyId,
    verificationCode: verificationCode(signed),
  };
  let start = performance.now();
  const first = await renderCertificatePdf(printable);
  const cold = performance.now() - start;
  const renders = Math.max(20, Math.round(200 * scale));
  const times: number[] = [];
  for (let i = 0; i < renders; i++) {
    start = performance.now();
    await renderCertificatePdf({ ...printable, number: `${certificate.number}-${i}` });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);

  const f = (x: number) => x.toFixed(0).padStart(8);
  const ms = (x: number) => x.toFixed(1).padStart(8);
  print(`@gov/seal on Node ${process.version} (${bytes.length}-byte canonical certificate, ${n} iterations)`);
  print("                                         per second");
  print(`seal (keyring.sign: JCS + SM2/SM3)      ${f(seal)}`);
  print(`verify (JCS + SM2/SM3, cached key)      ${f(check)}`);
  print(`bare SM2 sign                           ${f(sign)}`);
  print(`bare SM2 verify                         ${f(bare)}`);
  print(`PDF render (${renders} renders)                 p50 ms   p99 ms   max ms`);
  print(
    `  warm                                ${ms(percentile(times, 50))} ${ms(percentile(times, 99))} ${ms(times.at(-1) ?? 0)}`,
  );
  print(`  first of the process (font load)    ${ms(cold)}`);
  print(`  size                                ${(first.length / 1024).toFixed(1)} KB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
