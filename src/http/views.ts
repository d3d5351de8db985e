import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pug from 'pug';
import type { PluginPaths } from './plugin-paths.ts';
import { currentLocale } from '../i18n/request-language.ts';
import { switcherFor } from '../i18n/language-switch.ts';
import { t, tCount } from '../i18n/translate.ts';
import { tag, th } from '../i18n/html.ts';

/** The shared templates (layout, includes, the pages that belong to no factor), found beside the code, not from the process's directory. */
export const SHARED_VIEWS_DIR = fileURLToPath(new URL('../../views/', import.meta.url));

/** Every page gets these; templates receive prepared models and hold no logic of their own. */
export interface PageModel {
  title: string;
  [key: string]: unknown;
}

export type RenderPage = (template: string, model: PageModel) => string;

/**
 * Compiles each pug template once and keeps it (pug's own cache is keyed by filename). A template
 * is looked up in each folder in turn (the shared views, then each factor's own); `extends /layout`
 * and `include /includes/…` resolve from the first folder, wherever the template lives.
 */
export function createRenderer(viewDirs: readonly string[]): RenderPage {
  const [basedir] = viewDirs;
  const compiled = new Map<string, pug.compileTemplate>();
  return (template, model) => {
    let fn = compiled.get(template);
    if (!fn) {
      const file = viewDirs.map((dir) => path.join(dir, `${template}.pug`)).find((candidate) => existsSync(candidate));
      if (!file) throw new Error(`no template ${template} in ${viewDirs.join(', ')}`);
      fn = pug.compileFile(file, { basedir });
      compiled.set(template, fn);
    }
    return fn(model);
  };
}

/**
 * Every page is given `mount`, the prefix its links, form actions and files start with
 * (plugin-paths.ts): templates write `href=mount + "/account/security"`, never a bare `/account/…`.
 * And its language: `t(key, params)` for every word it shows (i18n/messages/), `tCount(key, n)` for a count, `th` for a
 * sentence with markup inside and `tag` to build that markup (i18n/html.ts), `lang` for
 * `<html lang>`, and `switcher`, the link to the same page in the other language. These read the
 * request's language where the page is rendered (i18n/request-language.ts), so no step has to
 * pass it along.
 */
export function withPaths(render: RenderPage, paths: PluginPaths): RenderPage {
  return (template, model) => render(template, { mount: paths.mount, t, tCount: (key: string, count: number) => tCount(key, count), th, tag, lang: currentLocale(), switcher: switcherFor(paths), ...model });
}
