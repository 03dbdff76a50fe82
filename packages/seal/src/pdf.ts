import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, type PDFFont, type PDFPage, rgb } from "pdf-lib";
import { type FontWeight, fontFor, MISSING_CHARACTER, primaryFont } from "./fonts.ts";

/** What the printed certificate shows. Every value is already as it should appear (masked, formatted). */
export interface PrintableCertificate {
  /** The certificate's name, e.g. "食品经营许可证". */
  title: string;
  /** 证书编号. */
  number: string;
  /** The holder as the caller chooses to print it (already masked for a person, e.g. "张*明"). */
  holder: string;
  /** 许可事项: the matter's name. */
  matter: string;
  /** 办件编号. */
  caseNumber: string;
  /** 许可范围. */
  scope: string;
  /** First day of validity, YYYY-MM-DD. */
  validFrom: string;
  /** Last day of validity, YYYY-MM-DD, or null for 长期. */
  validUntil: string | null;
  /** 发证机关: the issuing department's name. */
  issuingDepartment: string;
  /** 发证日期, YYYY-MM-DD. */
  issuedOn: string;
  /** The seal key that signed the electronic original. */
  keyId: string;
  /** `verificationCode(signed)`: ties the paper to the electronic original. */
  verificationCode: string;
  /** One line telling a reader how to check the certificate (e.g. the verification address). */
  verifyHint?: string;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const INK = rgb(0.1, 0.1, 0.1);
const SEAL_RED = rgb(0.8, 0.1, 0.1);

/** A page's fonts: one embedded PDF font per font file used, each subset to the characters drawn. */
class Fonts {
  readonly #document: PDFDocument;
  readonly #embedded = new Map<string, Promise<PDFFont>>();

  constructor(document: PDFDocument) {
    this.#document = document;
  }

  /** Splits `text` into runs of one font each; a character no font has becomes 〓. */
  async runs(text: string, weight: FontWeight): Promise<{ text: string; font: PDFFont }[]> {
    const runs: { text: string; font: PDFFont; file: string }[] = [];
    for (const character of text) {
      let file = fontFor(character.codePointAt(0) ?? 0, weight);
      let drawn = character;
      if (!file) {
        file = primaryFont(weight);
        drawn = MISSING_CHARACTER;
      }
      const last = runs.at(-1);
      if (last && last.file === file.name) last.text += drawn;
      else runs.push({ text: drawn, file: file.name, font: await this.#embed(file.name, file.bytes) });
    }
    return runs;
  }

  #embed(name: string, bytes: Uint8Array): Promise<PDFFont> {
    let font = this.#embedded.get(name);
    if (!font) {
      font = this.#document.embedFont(bytes, { subset: true });
      this.#embedded.set(name, font);
    }
    return font;
  }
}

interface TextStyle {
  size: number;
  weight: FontWeight;
  color?: ReturnType<typeof rgb>;
}

async function widthOf(fonts: Fonts, text: string, style: TextStyle): Promise<number> {
  let width = 0;
  for (const run of await fonts.runs(text, style.weight))
    width += run.font.widthOfTextAtSize(run.text, style.size);
  return width;
}

async function draw(
  page: PDFPage,
  fonts: Fonts,
  text: string,
  x: number,
  y: number,
  style: TextStyle,
): Promise<void> {
  let at = x;
  for (const run of await fonts.runs(text, style.weight)) {
    page.drawText(run.text, { x: at, y, size: style.size, font: run.font, color: style.color ?? INK });
    at += run.font.widthOfTextAtSize(run.text, style.size);
  }
}

/** Breaks `text` into lines no wider than `width` (by character: Chinese has no spaces to break at). */
async function wrap(fonts: Fonts, text: string, width: number, style: TextStyle): Promise<string[]> {
  const lines: string[] = [];
  let line = "";
  for (const character of text) {
    if (character === "\n") {
      lines.push(line);
      line = "";
      continue;
    }
    if (line !== "" && (await widthOf(fonts, line + character, style)) > width) {
      lines.push(line);
      line = "";
    }
    line += character;
  }
  lines.push(line);
  return lines;
}

async function centred(
  page: PDFPage,
  fonts: Fonts,
  text: string,
  y: number,
  style: TextStyle,
  centreX = A4[0] / 2,
) {
  await draw(page, fonts, text, centreX - (await widthOf(fonts, text, style)) / 2, y, style);
}

/**
 * Renders a certificate as a one-page A4 PDF with its Chinese text in the embedded (subset) Noto Sans SC.
 * Deterministic: the PDF's dates are the issue date, so the same certificate gives the same bytes.
 */
export async function renderCertificatePdf(certificate: PrintableCertificate): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.registerFontkit(fontkit);
  const issued = new Date(`${certificate.issuedOn}T00:00:00+08:00`);
  if (Number.isNaN(issued.getTime())) throw new RangeError(`issuedOn is not a date: ${certificate.issuedOn}`);
  document.setTitle(`${certificate.title} ${certificate.number}`);
  document.setSubject(certificate.matter);
  document.setAuthor(certificate.issuingDepartment);
  document.setCreator("@gov/seal");
  document.setProducer("@gov/seal (pdf-lib)");
  document.setCreationDate(issued);
  document.setModificationDate(issued);
  const fonts = new Fonts(document);
  const page = document.addPage(A4);
  const [width, height] = A4;

  page.drawRectangle({
    x: 28,
    y: 28,
    width: width - 56,
    height: height - 56,
    borderColor: INK,
    borderWidth: 1.5,
  });
  page.drawRectangle({
    x: 34,
    y: 34,
    width: width - 68,
    height: height - 68,
    borderColor: INK,
    borderWidth: 0.5,
  });

  let y = height - 120;
  await centred(page, fonts, certificate.title, y, { size: 30, weight: 700 });
  y -= 36;
  await centred(page, fonts, `证书编号：${certificate.number}`, y, { size: 12, weight: 400 });
  y -= 56;

  const validity =
    certificate.validUntil === null
      ? `自 ${certificate.validFrom} 起长期有效`
      : `${certificate.validFrom} 至 ${certificate.validUntil}`;
  const rows: [string, string][] = [
    ["持证主体", certificate.holder],
    ["许可事项", certificate.matter],
    ["办件编号", certificate.caseNumber],
    ["许可范围", certificate.scope],
    ["有效期限", validity],
    ["发证机关", certificate.issuingDepartment],
    ["发证日期", certificate.issuedOn],
  ];
  const label: TextStyle = { size: 13, weight: 700 };
  const value: TextStyle = { size: 13, weight: 400 };
  const valueX = MARGIN + 90;
  const valueWidth = width - valueX - MARGIN;
  for (const [name, text] of rows) {
    await draw(page, fonts, `${name}：`, MARGIN, y, label);
    for (const line of await wrap(fonts, text, valueWidth, value)) {
      await draw(page, fonts, line, valueX, y, value);
      y -= 22;
    }
    y -= 10;
  }

  // The seal: a red ring with the department's name, as a printed electronic seal shows it.
  const sealX = width - MARGIN - 80;
  const sealY = 190;
  page.drawCircle({ x: sealX, y: sealY, size: 62, borderColor: SEAL_RED, borderWidth: 3 });
  await centred(page, fonts, "★", sealY - 8, { size: 22, weight: 400, color: SEAL_RED }, sealX);
  const sealLines = await wrap(fonts, certificate.issuingDepartment, 100, { size: 10, weight: 700 });
  let sealLineY = sealY + 18 + (sealLines.length - 1) * 6;
  for (const line of sealLines.slice(0, 3)) {
    await centred(page, fonts, line, sealLineY, { size: 10, weight: 700, color: SEAL_RED }, sealX);
    sealLineY -= 13;
  }
  await centred(page, fonts, "电子印章", sealY - 34, { size: 9, weight: 400, color: SEAL_RED }, sealX);

  const small: TextStyle = { size: 9, weight: 400 };
  let footY = 110;
  const footer = [
    `电子印章：SM2 数字签名（SM3 杂凑，GB/T 32918.2、GB/T 35276）  密钥标识：${certificate.keyId}`,
    `核验码：${certificate.verificationCode}`,
    certificate.verifyHint ?? "以电子证照原件及其电子印章为准；纸质打印件可凭核验码核对。",
  ];
  for (const line of footer) {
    for (const part of await wrap(fonts, line, width - 2 * MARGIN, small)) {
      await draw(page, fonts, part, MARGIN, footY, small);
      footY -= 14;
    }
  }
  return document.save({ useObjectStreams: true });
}
