/**
 * The confusable skeleton of an email address (Unicode TS #39 §4, "Confusable Detection"):
 * skeleton(X) = NFD( map each character of NFD(X) to its prototype ). Two addresses with the
 * same skeleton look alike, and only the first may have an account.
 *
 * No npm package is installed for the full confusables.txt data, so this is a documented subset,
 * applied to an address already normalised by normalizeEmail (NFKC, lower case), which has
 * already folded fullwidth forms, mathematical letters, ligatures and the long s:
 *
 * - Cyrillic, Greek and Armenian lower-case letters that confusables.txt lists as confusable with a
 *   Latin letter and that render as that letter (а→a, ԁ→d, ο→o, ս→u, …), and the Latin-extended
 *   ones (ı, ȷ, ɑ, ɡ, ɩ, small capitals);
 * - on purpose NOT the ASCII-to-ASCII entries of TS #39 (0→o, 1→l, rn→m, vv→w): with them,
 *   `bill1@` and `billl@`, `modern@` and `rnodern@` could not both exist, refusing real people
 *   for addresses no attacker needs; the attack this stops is a *foreign script* look-alike.
 */
const PROTOTYPES = new Map<string, string>(Object.entries({
  // Cyrillic (U+0400 block and supplement); ё, ї, й and the like decompose (NFD) onto these.
  'а': 'a', 'с': 'c', 'ԁ': 'd', 'е': 'e', 'һ': 'h', 'і': 'i', 'ј': 'j', 'ӏ': 'l', 'о': 'o', 'р': 'p',
  'ԛ': 'q', 'ѕ': 's', 'ѵ': 'v', 'ԝ': 'w', 'х': 'x', 'у': 'y', 'ү': 'y',
  // Greek
  'α': 'a', 'ϲ': 'c', 'ι': 'i', 'ϳ': 'j', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'υ': 'u', 'χ': 'x', 'γ': 'y',
  // Armenian
  'ց': 'g', 'հ': 'h', 'ո': 'n', 'օ': 'o', 'զ': 'q', 'ս': 'u',
  // Latin extended and small capitals
  'ı': 'i', 'ȷ': 'j', 'ɑ': 'a', 'ɡ': 'g', 'ɩ': 'i', 'ɪ': 'i', 'ʏ': 'y', 'ᴄ': 'c', 'ᴏ': 'o', 'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w', 'ᴢ': 'z',
}));

export function emailSkeleton(normalizedEmail: string): string {
  let mapped = '';
  for (const char of normalizedEmail.normalize('NFD')) mapped += PROTOTYPES.get(char) ?? char;
  return mapped.normalize('NFD');
}
