import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  type PDFDocument,
  PDFName,
  PDFRawStream,
  PDFRef,
} from "pdf-lib";

/**
 * For tests: the text of a page as a reader's copy-paste would give it, without poppler. Each font's ToUnicode
 * CMap (PDF 32000-1 §9.10.3) maps the 2-byte glyph codes of the content stream's strings back to characters;
 * every text object (BT … ET) becomes one line.
 */
export function pageText(pdf: PDFDocument, pageIndex = 0): string {
  const page = pdf.getPage(pageIndex).node;
  const fonts = page.Resources()?.lookup(PDFName.of("Font"), PDFDict);
  const maps = new Map<string, Map<number, string>>();
  for (const key of fonts?.keys() ?? []) {
    const font = fonts?.lookup(key, PDFDict);
    const toUnicode = font?.get(PDFName.of("ToUnicode"));
    const stream = toUnicode instanceof PDFRef ? pdf.context.lookup(toUnicode) : undefined;
    if (stream instanceof PDFRawStream) maps.set(key.asString(), parseToUnicode(text(stream)));
  }
  const contents = page.Contents();
  const streams =
    contents instanceof PDFArray ? contents.asArray().map((ref) => pdf.context.lookup(ref)) : [contents];
  const source = streams
    .filter((s): s is PDFRawStream => s instanceof PDFRawStream)
    .map(text)
    .join("\n");
  const lines: string[] = [];
  let line = "";
  let map: Map<number, string> | undefined;
  const tokens = /(\/[^\s/[\]<>()]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>|\bET\b/g;
  for (const match of source.matchAll(tokens)) {
    if (match[1] !== undefined) map = maps.get(match[1]);
    else if (match[2] !== undefined) {
      const hex = match[2].replace(/\s+/g, "");
      for (let i = 0; i + 4 <= hex.length; i += 4)
        line += map?.get(Number.parseInt(hex.slice(i, i + 4), 16)) ?? "\uFFFD";
    } else {
      lines.push(line);
      line = "";
    }
  }
  if (line !== "") lines.push(line);
  return lines.join("\n");
}

function text(stream: PDFRawStream): string {
  return Buffer.from(decodePDFRawStream(stream).decode()).toString("latin1");
}

function utf16(hex: string): string {
  const units: number[] = [];
  for (let i = 0; i + 4 <= hex.length; i += 4) units.push(Number.parseInt(hex.slice(i, i + 4), 16));
  return String.fromCharCode(...units);
}

/** bfchar (`<code> <unicode>`) and bfrange (`<from> <to> <unicode>` or `<from> <to> [<u1> <u2> …]`) entries. */
function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, unicode] of (block[1] ?? "").matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      map.set(Number.parseInt(code ?? "", 16), utf16(unicode ?? ""));
    }
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    const entries = /<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]+)>|\[([^\]]*)\])/g;
    for (const [, from, to, start, list] of (block[1] ?? "").matchAll(entries)) {
      const first = Number.parseInt(from ?? "", 16);
      const last = Number.parseInt(to ?? "", 16);
      if (list !== undefined) {
        [...list.matchAll(/<([0-9A-Fa-f]+)>/g)].forEach(([, unicode], i) => {
          map.set(first + i, utf16(unicode ?? ""));
        });
      } else {
        const base = utf16(start ?? "");
        for (let code = first; code <= last; code++) {
          map.set(
            code,
            base.slice(0, -1) + String.fromCharCode(base.charCodeAt(base.length - 1) + (code - first)),
          );
        }
      }
    }
  }
  return map;
}
