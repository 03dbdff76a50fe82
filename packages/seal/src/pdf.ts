import PDFDocument from "pdfkit";
import { type FontFile, type FontWeight, fontFor, MISSING_CHARACTER, primaryFont } from "./fonts.ts";

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

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const INK = "#1a1a1a";
const SEAL_RED = "#cc1a1a";

type Doc = InstanceType<typeof PDFDocument>;

interface Style {
  size: number;
  weight: FontWeight;
  color?: string;
  width?: number;
  align?: "left" | "center" | "right";
  /** Longest the block may be, in points; past it the text ends with an ellipsis. */
  height?: number;
}

/** A filled five-pointed star of outer radius `r` centred on (x, y), as on a seal. */
function star(doc: Doc, x: number, y: number, r: number): void {
  const points: [number, number][] = [];
  for (let i = 0; i < 10; i++) {
    const radius = i % 2 === 0 ? r : r * 0.382;
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    points.push([x + radius * Math.cos(angle), y + radius * Math.sin(angle)]);
  }
  doc.polygon(...points).fill(SEAL_RED);
}

/**
 * Writes `text` along the upper arc of a circle centred on (x, y), each character upright towards the centre, as
 * the name on a round seal. Long names get a wider arc and smaller characters.
 */
async function arcText(
  doc: Doc,
  registered: Set<string>,
  text: string,
  x: number,
  y: number,
  radius: number,
  style: Style,
) {
  const characters = [...text].slice(0, 24);
  const size = characters.length > 14 ? style.size * (14 / characters.length) : style.size;
  const step = Math.min(0.36, (Math.PI * 1.3) / Math.max(1, characters.length - 1)) * (size / style.size);
  const first = (-step * (characters.length - 1)) / 2;
  for (const [index, character] of characters.entries()) {
    const angle = first + index * step; // radians from straight up, clockwise
    const cx = x + radius * Math.sin(angle);
    const cy = y - radius * Math.cos(angle);
    doc.save();
    doc.rotate((angle * 180) / Math.PI, { origin: [cx, cy] });
    await write(doc, registered, character, cx - size / 2, cy - size / 2, {
      ...style,
      size,
      width: size * 1.2,
    });
    doc.restore();
  }
}

/** Splits `text` into runs of one font file each; a character no font file has becomes 〓. */
async function runsOf(text: string, weight: FontWeight): Promise<{ text: string; file: FontFile }[]> {
  const runs: { text: string; file: FontFile }[] = [];
  for (const character of text) {
    let file = await fontFor(character.codePointAt(0) ?? 0, weight);
    let drawn = character;
    if (!file) {
      file = await primaryFont(weight);
      drawn = MISSING_CHARACTER;
    }
    const last = runs.at(-1);
    if (last && last.file === file) last.text += drawn;
    else runs.push({ text: drawn, file });
  }
  return runs;
}

/** Writes `text` at (x, y) — wrapping within `style.width` — switching fonts where a character needs another. */
async function write(doc: Doc, registered: Set<string>, text: string, x: number, y: number, style: Style) {
  const runs = await runsOf(text, style.weight);
  runs.forEach((run, index) => {
    if (!registered.has(run.file.name)) {
      doc.registerFont(run.file.name, run.file.ttf);
      registered.add(run.file.name);
    }
    doc
      .font(run.file.name)
      .fontSize(style.size)
      .fillColor(style.color ?? INK);
    const options = {
      width: style.width,
      align: style.align,
      height: style.height,
      ellipsis: style.height !== undefined,
      lineGap: style.size * 0.4,
      continued: index < runs.length - 1,
    };
    if (index === 0) doc.text(run.text, x, y, options);
    else doc.text(run.text, options);
  });
  return doc.y;
}

/**
 * Renders a certificate as a one-page A4 PDF, its Chinese text in Noto Sans SC embedded as a subset (pdfkit).
 * The PDF's dates are the issue date, so the same certificate gives the same bytes.
 */
export async function renderCertificatePdf(certificate: PrintableCertificate): Promise<Uint8Array> {
  const issued = new Date(`${certificate.issuedOn}T00:00:00+08:00`);
  if (Number.isNaN(issued.getTime())) throw new RangeError(`issuedOn is not a date: ${certificate.issuedOn}`);
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN, bottom: 40, left: MARGIN, right: MARGIN },
    autoFirstPage: true,
    lang: "zh-CN",
    info: {
      Title: `${certificate.title} ${certificate.number}`,
      Subject: certificate.matter,
      Author: certificate.issuingDepartment,
      Creator: "@gov/seal",
      Producer: "@gov/seal (pdfkit)",
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  const registered = new Set<string>();
  const contentWidth = A4.width - 2 * MARGIN;

  doc
    .lineWidth(1.5)
    .strokeColor(INK)
    .rect(28, 28, A4.width - 56, A4.height - 56)
    .stroke();
  doc
    .lineWidth(0.5)
    .rect(34, 34, A4.width - 68, A4.height - 68)
    .stroke();

  let y = 96;
  y = await write(doc, registered, certificate.title, MARGIN, y, {
    size: 30,
    weight: 700,
    width: contentWidth,
    align: "center",
    height: 90,
  });
  y = await write(doc, registered, `证书编号：${certificate.number}`, MARGIN, y + 6, {
    size: 12,
    weight: 400,
    width: contentWidth,
    align: "center",
  });
  y += 40;

  const validity =
    certificate.validUntil === null
      ? `自 ${certificate.validFrom} 起长期有效`
      : `${certificate.validFrom} 至 ${certificate.validUntil}`;
  const rows: [string, string, number][] = [
    ["持证主体", certificate.holder, 60],
    ["许可事项", certificate.matter, 60],
    ["办件编号", certificate.caseNumber, 40],
    ["许可范围", certificate.scope, 170],
    ["有效期限", validity, 40],
    ["发证机关", certificate.issuingDepartment, 40],
    ["发证日期", certificate.issuedOn, 40],
  ];
  const valueX = MARGIN + 96;
  for (const [label, value, height] of rows) {
    await write(doc, registered, `${label}：`, MARGIN, y, { size: 13, weight: 700 });
    y = await write(doc, registered, value, valueX, y, {
      size: 13,
      weight: 400,
      width: A4.width - valueX - MARGIN,
      height,
    });
    y += 12;
  }

  // The seal as a printed official seal shows it: a red ring, the department's name along its upper arc, a star,
  // and the seal's use across the bottom.
  const sealX = A4.width - MARGIN - 90;
  const sealY = A4.height - 230;
  doc.lineWidth(3).strokeColor(SEAL_RED).circle(sealX, sealY, 62).stroke();
  await arcText(doc, registered, certificate.issuingDepartment, sealX, sealY, 50, {
    size: 12,
    weight: 700,
    color: SEAL_RED,
  });
  star(doc, sealX, sealY - 2, 16);
  await write(doc, registered, "电子证照专用章", sealX - 50, sealY + 24, {
    size: 9,
    weight: 700,
    color: SEAL_RED,
    width: 100,
    align: "center",
  });

  const footer = [
    `电子印章：SM2 数字签名（SM3 杂凑，GB/T 32918.2、GB/T 35276）　密钥标识：${certificate.keyId}`,
    `核验码：${certificate.verificationCode}`,
    certificate.verifyHint ?? "以电子证照原件及其电子印章为准；纸质打印件可凭核验码核对。",
  ];
  let footY = A4.height - 128;
  for (const line of footer) {
    footY = await write(doc, registered, line, MARGIN, footY, {
      size: 9,
      weight: 400,
      width: contentWidth,
      height: 28,
    });
  }
  doc.end();
  await finished;
  return new Uint8Array(Buffer.concat(chunks));
}
