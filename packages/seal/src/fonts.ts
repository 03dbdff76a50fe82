import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as fontkit from "fontkit";
import { decompress } from "wawoff2";

/**
 * The CJK font the project installs: Noto Sans SC (SIL Open Font License 1.1) from the `@fontsource/noto-sans-sc`
 * npm package. Its "chinese-simplified" file covers GB 2312 and ASCII; a character outside it (a rare name
 * character) is found in the package's numbered slices, which together cover the whole font.
 *
 * The files are WOFF2; each is decompressed once (Google's woff2 decoder, `wawoff2`) to the TrueType font inside
 * and kept in memory: fontkit's subsetter copies whole spans of a WOFF2 glyph table, which made 4–10 MB PDFs.
 */

export type FontWeight = 400 | 700;

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve("@fontsource/noto-sans-sc/package.json"));

/** Shown for a character no slice of the font has (the customary 〓 placeholder of Chinese typesetting). */
export const MISSING_CHARACTER = "〓";

export interface FontFile {
  name: string;
  /** The TrueType font. */
  ttf: Buffer;
  has(codePoint: number): boolean;
}

const files = new Map<string, Promise<FontFile>>();

function loadFile(slice: string, weight: FontWeight): Promise<FontFile> {
  const name = `noto-sans-sc-${slice}-${weight}-normal`;
  let file = files.get(name);
  if (!file) {
    file = (async () => {
      const ttf = Buffer.from(await decompress(readFileSync(join(packageDir, "files", `${name}.woff2`))));
      const font = fontkit.create(ttf);
      if (!("hasGlyphForCodePoint" in font)) throw new Error(`${name} is a font collection`);
      return { name, ttf, has: (codePoint: number) => font.hasGlyphForCodePoint(codePoint) };
    })();
    files.set(name, file);
    file.catch(() => files.delete(name));
  }
  return file;
}

let sliceRanges: { slice: string; ranges: [number, number][] }[] | undefined;

/** The numbered slices and their unicode ranges, from the package's unicode.json. */
function slices(): { slice: string; ranges: [number, number][] }[] {
  if (!sliceRanges) {
    const table = JSON.parse(readFileSync(join(packageDir, "unicode.json"), "utf8")) as Record<
      string,
      string
    >;
    sliceRanges = Object.entries(table).map(([key, value]) => ({
      slice: key.replace(/^\[(\d+)\]$/, "$1"),
      ranges: value.split(",").map((part) => {
        const [from, to] = part.trim().replace(/^U\+/i, "").split("-");
        const start = Number.parseInt(from ?? "", 16);
        return [start, to === undefined ? start : Number.parseInt(to, 16)] as [number, number];
      }),
    }));
  }
  return sliceRanges;
}

/** The main font file of a weight. */
export function primaryFont(weight: FontWeight): Promise<FontFile> {
  return loadFile("chinese-simplified", weight);
}

/** The font file that draws `codePoint` in `weight`: the main file, else the slice whose range holds it. */
export async function fontFor(codePoint: number, weight: FontWeight): Promise<FontFile | undefined> {
  const primary = await primaryFont(weight);
  if (primary.has(codePoint)) return primary;
  for (const { slice, ranges } of slices()) {
    if (ranges.some(([from, to]) => codePoint >= from && codePoint <= to)) {
      const file = await loadFile(slice, weight);
      return file.has(codePoint) ? file : undefined;
    }
  }
  return undefined;
}

/** The font's licence text, shipped with the package. */
export function fontLicence(): string {
  return readFileSync(join(packageDir, "LICENSE"), "utf8");
}

/**
 * Decompresses the main font files now (~0.5–1 s), so that a service's first certificate PDF is not the slow one:
 * call it at start-up, before reporting ready.
 */
export async function preloadCertificateFonts(): Promise<void> {
  await Promise.all([primaryFont(400), primaryFont(700)]);
}
