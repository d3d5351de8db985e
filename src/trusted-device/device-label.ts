import { t } from '../i18n/translate.ts';

/** Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari". */
const BROWSERS: [RegExp, string][] = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];

const SYSTEMS: [RegExp, string][] = [
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** "Chrome on macOS": enough for a person to recognise a device in a list, from the User-Agent alone. */
export function deviceLabel(userAgent: string): string {
  const ua = userAgent.slice(0, 512);
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1] ?? 'Unknown browser';
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  return system ? `${browser} on ${system}` : browser;
}

/**
 * A stored label as the page's reader says it: the label is kept in English, as made above (the
 * audit log and the CLI show it so), and worded at display — "Chrome on macOS" is « Chrome sur
 * macOS ». Product names stay as they are; a label of another shape is shown as stored.
 */
export function deviceLabelInWords(label: string): string {
  if (label === 'Unknown browser') return t('devices.unknownBrowser');
  const match = /^(.+) on (.+)$/.exec(label);
  return match ? t('devices.browserOnSystem', { browser: match[1] === 'Unknown browser' ? t('devices.unknownBrowser') : match[1]!, system: match[2]! }) : label;
}
