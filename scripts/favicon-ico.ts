/**
 * Writes public/favicon.ico: the icon of public/favicon.svg (a white "C" and two bars on a green rounded square)
 * drawn at 16×16 and 32×32, for the browsers that ask for /favicon.ico whatever the page links (and those that do
 * not read SVG icons). Without the file every such request reached the Remix router and answered 404. The shapes
 * are the SVG's own coordinates, drawn with 4×4 samples per pixel; the output is the same bytes on every run.
 * `--check` exits 1 when the committed file differs.
 *
 *   npx tsx scripts/favicon-ico.ts            regenerate
 *   npx tsx scripts/favicon-ico.ts --check    verify
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const FAVICON_ICO = "public/favicon.ico";
export const FAVICON_SIZES = [16, 32] as const;

const GREEN = [0x00, 0x80, 0x60] as const;
const WHITE = [0xff, 0xff, 0xff] as const;

/** Inside the 32×32 rounded square (corner radius 7). */
function inSquare(x: number, y: number): boolean {
  if (x < 0 || y < 0 || x > 32 || y > 32) return false;
  const cx = Math.min(Math.max(x, 7), 25);
  const cy = Math.min(Math.max(y, 7), 25);
  return (x - cx) ** 2 + (y - cy) ** 2 <= 49;
}

/**
 * Inside the "C" (the SVG's first path): a vertical capsule of radius 4.5 around x = 13.5, y 11.5–20.5, less an
 * inner one of radius 1.6, open to the right between the cuts at about 35° above and below.
 */
function inC(x: number, y: number): boolean {
  const dy = (centre: number) => y - centre;
  const nearestY = Math.min(Math.max(y, 11.5), 20.5);
  if ((x - 13.5) ** 2 + (y - nearestY) ** 2 > 4.5 ** 2) return false;
  if ((x - 13.6) ** 2 + (y - nearestY) ** 2 < 1.6 ** 2) return false;
  if (x <= 13.5) return true;
  if (y > 11.5 && y < 20.5) return false;
  const top = y <= 11.5;
  const angle = Math.atan2(Math.abs(dy(top ? 11.5 : 20.5)), x - 13.5);
  return angle > (35 * Math.PI) / 180;
}

/** Inside one of the two bars (the SVG's second path). */
function inBars(x: number, y: number): boolean {
  return x >= 16 && x <= 23 && ((y >= 14 && y <= 17) || (y >= 19 && y <= 22));
}

/** BGRA rows, top row first, of the icon drawn at `size` pixels. */
export function drawIcon(size: number): Uint8Array {
  const samples = 4;
  const pixels = new Uint8Array(size * size * 4);
  const scale = 32 / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let covered = 0;
      let white = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) * scale;
          const y = (py + (sy + 0.5) / samples) * scale;
          if (!inSquare(x, y)) continue;
          covered++;
          if (inC(x, y) || inBars(x, y)) white++;
        }
      }
      const i = (py * size + px) * 4;
      const alpha = covered / samples ** 2;
      if (covered === 0) continue;
      const mix = (c: number) => Math.round((GREEN[c] * (covered - white) + WHITE[c] * white) / covered);
      pixels[i] = mix(2);
      pixels[i + 1] = mix(1);
      pixels[i + 2] = mix(0);
      pixels[i + 3] = Math.round(alpha * 255);
    }
  }
  return pixels;
}

/** One ICO image: a 32-bit BMP (BITMAPINFOHEADER, rows bottom-up) and its 1-bit AND mask (all zero: alpha rules). */
function bmpEntry(size: number): Buffer {
  const pixels = drawIcon(size);
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8); // colour rows + mask rows, as ICO wants
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  header.writeUInt32LE(0, 16); // BI_RGB
  header.writeUInt32LE(size * size * 4, 20);
  const colour = Buffer.alloc(size * size * 4);
  for (let row = 0; row < size; row++) {
    const from = (size - 1 - row) * size * 4;
    colour.set(pixels.subarray(from, from + size * 4), row * size * 4);
  }
  const maskRowBytes = Math.ceil(size / 32) * 4;
  return Buffer.concat([header, colour, Buffer.alloc(maskRowBytes * size)]);
}

/** The whole .ico file. */
export function faviconIco(): Buffer {
  const images = FAVICON_SIZES.map((size) => bmpEntry(size));
  const directory = Buffer.alloc(6 + 16 * images.length);
  directory.writeUInt16LE(0, 0);
  directory.writeUInt16LE(1, 2); // icon
  directory.writeUInt16LE(images.length, 4);
  let offset = directory.length;
  images.forEach((image, i) => {
    const at = 6 + 16 * i;
    directory.writeUInt8(FAVICON_SIZES[i], at);
    directory.writeUInt8(FAVICON_SIZES[i], at + 1);
    directory.writeUInt8(0, at + 2); // no palette
    directory.writeUInt8(0, at + 3);
    directory.writeUInt16LE(1, at + 4); // planes
    directory.writeUInt16LE(32, at + 6); // bits per pixel
    directory.writeUInt32LE(image.length, at + 8);
    directory.writeUInt32LE(offset, at + 12);
    offset += image.length;
  });
  return Buffer.concat([directory, ...images]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const wanted = faviconIco();
  if (process.argv.includes("--check")) {
    let current: Buffer | null = null;
    try {
      current = readFileSync(FAVICON_ICO);
    } catch {
      /* missing counts as stale */
    }
    if (!current?.equals(wanted)) {
      console.error(`${FAVICON_ICO} is out of date: run npx tsx scripts/favicon-ico.ts`);
      process.exit(1);
    }
    console.log(`${FAVICON_ICO} is up to date`);
  } else {
    writeFileSync(FAVICON_ICO, wanted);
    console.log(`wrote ${FAVICON_ICO} (${wanted.length} bytes)`);
  }
}
