/**
 * After `tsc -p tsconfig.build.json`: each factor finds its pug templates beside its code
 * (`new URL('./views/', import.meta.url)`), so dist/factors/<name>/views/ must hold them too.
 * The shared templates (views/) and static files (static/) ship at the package root, where
 * src/http/views.ts and static-files.ts look from dist/http/ as from src/http/.
 */
import { cpSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const factors = path.join(root, 'src', 'factors');
for (const name of readdirSync(factors)) {
  const views = path.join(factors, name, 'views');
  if (existsSync(views)) cpSync(views, path.join(root, 'dist', 'factors', name, 'views'), { recursive: true });
}
