import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FAVICON_ICO, FAVICON_SIZES, drawIcon, faviconIco } from "./favicon-ico";

describe("public/favicon.ico", () => {
  it("is what scripts/favicon-ico.ts draws (regenerate it with that script)", () => {
    expect(readFileSync(FAVICON_ICO).equals(faviconIco())).toBe(true);
  });

  it("is a valid icon file: a directory of 16×16 and 32×32 32-bit images that fill the file exactly", () => {
    const ico = readFileSync(FAVICON_ICO);
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([
      0,
      1,
      FAVICON_SIZES.length,
    ]);
    let end = 6 + 16 * FAVICON_SIZES.length;
    FAVICON_SIZES.forEach((size, i) => {
      const at = 6 + 16 * i;
      expect([ico.readUInt8(at), ico.readUInt8(at + 1), ico.readUInt16LE(at + 6)]).toEqual([size, size, 32]);
      const length = ico.readUInt32LE(at + 8);
      const offset = ico.readUInt32LE(at + 12);
      expect(offset).toBe(end);
      // BITMAPINFOHEADER: width, doubled height (image + mask), 32 bits.
      expect([ico.readUInt32LE(offset), ico.readInt32LE(offset + 4), ico.readInt32LE(offset + 8)]).toEqual([
        40,
        size,
        size * 2,
      ]);
      expect(ico.readUInt16LE(offset + 14)).toBe(32);
      end = offset + length;
    });
    expect(end).toBe(ico.length);
    expect(ico.length).toBeLessThan(8 * 1024);
  });

  it("draws the SVG's design: transparent corners, green square, white letter", () => {
    const pixel = (size: number, x: number, y: number) => {
      const p = drawIcon(size);
      const i = (y * size + x) * 4;
      return { b: p[i], g: p[i + 1], r: p[i + 2], a: p[i + 3] };
    };
    expect(pixel(32, 0, 0).a).toBe(0);
    expect(pixel(32, 16, 2)).toEqual({ r: 0x00, g: 0x80, b: 0x60, a: 255 });
    // The C's left stroke and a bar are white.
    expect(pixel(32, 10, 16)).toEqual({ r: 255, g: 255, b: 255, a: 255 });
    expect(pixel(32, 19, 15)).toEqual({ r: 255, g: 255, b: 255, a: 255 });
  });

  it("public/favicon.svg (which browsers that read SVG icons prefer) is an SVG with a view box", () => {
    const svg = readFileSync("public/favicon.svg", "utf8");
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 32 32">/);
    expect(svg.trim().endsWith("</svg>")).toBe(true);
  });
});
