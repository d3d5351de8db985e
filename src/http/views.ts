import path from 'node:path';
import pug from 'pug';

/** Every page gets these; templates receive prepared models and hold no logic of their own. */
export interface PageModel {
  title: string;
  [key: string]: unknown;
}

export type RenderPage = (template: string, model: PageModel) => string;

/** Compiles each pug template once and keeps it (pug's own cache is keyed by filename). */
export function createRenderer(viewsDir: string): RenderPage {
  const compiled = new Map<string, pug.compileTemplate>();
  return (template, model) => {
    let fn = compiled.get(template);
    if (!fn) {
      fn = pug.compileFile(path.join(viewsDir, `${template}.pug`));
      compiled.set(template, fn);
    }
    return fn(model);
  };
}
