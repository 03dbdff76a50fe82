import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import fontkit from "@pdf-lib/fontkit";

/**
 * The CJK font the project installs: Noto Sans SC (SIL Open Font License 1.1) from the `@fontsource/noto-sans-sc`
 * npm package. Its "chinese-simplified" file covers GB 2312 and ASCII; a character outside it (a rare name
 * character) is found in the package's numbered slices, which together cover the whole font.
 */

export type FontWeight = 400 | 700;

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve("@fontsource/noto-sans-sc/package.json"));

/** Shown for a character no slice of the font has (the customary 〓 placeholder of Chinese typesetting). */
export const MISSING_CHARACTER = "〓";

interface FontFile {
  name: string;
  bytes: Uint8Array;
  has(codePoint: number): boolean;
}

const files = new Map<string, FontFile>();

function loadFile(slice: string, weight: FontWeight): FontFile {
  const name = `noto-sans-sc-${slice}-${weight}-normal.woff2`;
  let file = files.get(name);
  if (!file) {
    const bytes = new Uint8Array(readFileSync(join(packageDir, "files", name)));
    const font = fontkit.create(bytes);
    file = { name, bytes, has: (codePoint) => font.hasGlyphForCodePoint(codePoint) };
    files.set(name, file);
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
export function primaryFont(weight: FontWeight): FontFile {
  return loadFile("chinese-simplified", weight);
}

/** The font file that draws `codePoint` in `weight`: the main file, else the slice whose range holds it. */
export function fontFor(codePoint: number, weight: FontWeight): FontFile | undefined {
  const primary = primaryFont(weight);
  if (primary.has(codePoint)) return primary;
  for (const { slice, ranges } of slices()) {
    if (ranges.some(([from, to]) => codePoint >= from && codePoint <= to)) {
      const file = loadFile(slice, weight);
      return file.has(codePoint) ? file : undefined;
    }
  }
  return undefined;
}

/** The font's licence text, shipped with the package. */
export function fontLicence(): string {
  return readFileSync(join(packageDir, "LICENSE"), "utf8");
}
