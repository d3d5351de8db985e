/**
 * WCAG 2.1 contrast (§1.4.3 and the definitions of "contrast ratio" and "relative luminance"):
 * used at start-up to refuse a brand colour that would make text or buttons unreadable.
 */

/** #rrggbb only: one spelling, so a colour is checked and written out exactly as given. */
export const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

function channel(hex: string): number {
  const c = parseInt(hex, 16) / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2.1 relative luminance of an sRGB `#rrggbb`. */
export function relativeLuminance(colour: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => channel(colour.slice(at, at + 2)));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** (L1 + 0.05) / (L2 + 0.05), the lighter over the darker: 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/** WCAG 2.1 1.4.3 (AA): normal text needs 4.5:1. */
export const MIN_TEXT_CONTRAST = 4.5;
