import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as fontkit from "fontkit";
import { decodePDFRawStream, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef } from "pdf-lib";
import { afterAll, describe, expect, it } from "vitest";
import { type PrintableCertificate, renderCertificatePdf } from "./pdf.ts";
import { pageText } from "./pdf-text.testing.ts";

const certificate: PrintableCertificate = {
  title: "食品经营许可证",
  number: "JY13301060012345",
  holder: "杭州西湖某某餐饮有限公司",
  matter: "食品经营许可（新办）",
  caseNumber: "330106-20260302-000123",
  scope: "预包装食品（含冷藏冷冻食品）销售，热食类食品制售。经营场所：浙江省杭州市西湖区文三路 100 号",
  validFrom: "2026-03-02",
  validUntil: "2031-03-01",
  issuingDepartment: "杭州市西湖区市场监督管理局",
  issuedOn: "2026-03-02",
  keyId: "sm2-0123456789abcdef",
  verificationCode: "7M3V-Q38E-Y6ED-JGGW",
};

const dir = mkdtempSync(join(tmpdir(), "seal-pdf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The embedded font programs (FontFile2 streams) of a PDF, decoded. */
function embeddedFonts(pdf: PDFDocument): { name: string; program: Uint8Array }[] {
  const fonts: { name: string; program: Uint8Array }[] = [];
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of("Type")) !== PDFName.of("FontDescriptor"))
      continue;
    const ref = object.get(PDFName.of("FontFile2"));
    const stream = ref instanceof PDFRef ? pdf.context.lookup(ref) : undefined;
    if (!(stream instanceof PDFRawStream)) continue;
    fonts.push({
      name: String(object.get(PDFName.of("FontName"))),
      program: decodePDFRawStream(stream).decode(),
    });
  }
  return fonts;
}

function hasPdftotext(): boolean {
  try {
    execFileSync("pdftotext", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("printable certificate PDF (A4, Noto Sans SC embedded)", () => {
  it("parses, has one A4 page and names the certificate in its metadata", async () => {
    const bytes = await renderCertificatePdf(certificate);
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(1);
    const { width, height } = pdf.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    expect(pdf.getTitle()).toBe(`食品经营许可证 ${certificate.number}`);
    expect(pdf.getCreationDate()?.toISOString()).toBe("2026-03-01T16:00:00.000Z");
  });

  it("its text, read back through the fonts' ToUnicode maps, has the title, number, holder and verification code", async () => {
    const pdf = await PDFDocument.load(await renderCertificatePdf({ ...certificate, holder: "张*明" }));
    const text = pageText(pdf);
    expect(text).toContain("食品经营许可证");
    expect(text).toContain(`证书编号：${certificate.number}`);
    expect(text).toContain("张*明");
    expect(text).toContain(certificate.verificationCode);
    expect(text).toContain(certificate.keyId);
    expect(text).toContain("2026-03-02 至 2031-03-01");
    expect(text).not.toContain("\uFFFD");
  });

  it("embeds subsets of Noto Sans SC holding the glyphs of the text, not the whole font", async () => {
    const pdf = await PDFDocument.load(await renderCertificatePdf(certificate));
    const fonts = embeddedFonts(pdf);
    expect(fonts.length).toBeGreaterThanOrEqual(2); // regular and bold
    const text =
      Object.values(certificate).join("") +
      "持证主体许可事项办件编号许可范围有效期限发证机关发证日期证书编号";
    const needed = new Set([...text].filter((c) => c.trim() !== ""));
    let glyphs = 0;
    for (const { name, program } of fonts) {
      expect(name).toMatch(/^\/[A-Z]{6}\+NotoSansSC/); // the subset tag of PDF 32000-1 §9.6.4
      const font = fontkit.create(Buffer.from(program));
      if (!("numGlyphs" in font)) throw new Error("a font collection");
      expect(font.numGlyphs).toBeLessThan(400); // the full font has ~30 000
      glyphs += font.numGlyphs;
    }
    expect(glyphs).toBeGreaterThanOrEqual(needed.size * 0.9); // some characters share a glyph across weights
    // The page's content uses those fonts.
    const resources = pdf.getPage(0).node.Resources();
    const fontDict = resources?.lookup(PDFName.of("Font"), PDFDict);
    expect(fontDict?.keys().length).toBe(fonts.length);
    expect(pdf.getPage(0).node.Contents()).toBeDefined();
  });

  it("draws a character outside the main font file from another slice of the font (龑), and one in none as 〓", async () => {
    const plain = embeddedFonts(await PDFDocument.load(await renderCertificatePdf(certificate)));
    const bytes = await renderCertificatePdf({ ...certificate, holder: "王*龑" });
    const rare = await PDFDocument.load(bytes);
    expect(embeddedFonts(rare)).toHaveLength(plain.length + 1); // the slice that has 龑, embedded with that one glyph
    expect(pageText(rare).replaceAll("\n", "")).toContain("王*龑"); // one text object per font run
    const missing = await PDFDocument.load(await renderCertificatePdf({ ...certificate, holder: "刘*䶮" })); // U+4DAE: in no slice
    expect(pageText(missing)).toContain("刘*〓");
  });

  it("renders the same certificate to the same bytes", async () => {
    const a = await renderCertificatePdf(certificate);
    const b = await renderCertificatePdf(certificate);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it.runIf(hasPdftotext())(
    "its text extracts with poppler: the Chinese title, the number and the verification code",
    async () => {
      const path = join(dir, "certificate.pdf");
      writeFileSync(path, await renderCertificatePdf({ ...certificate, holder: "张*明" }));
      const text = execFileSync("pdftotext", ["-enc", "UTF-8", path, "-"]).toString();
      expect(text).toContain("食品经营许可证");
      expect(text).toContain(certificate.number);
      expect(text).toContain(certificate.verificationCode);
      expect(text).toContain("张*明");
      expect(text).toContain("杭州市西湖区市场监督管理局");
    },
  );
});
