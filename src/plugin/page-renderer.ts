import { FACTORS } from '../factors/registry.ts';
import { createRenderer, SHARED_VIEWS_DIR, type RenderPage } from '../http/views.ts';

/** Every page of the plugin and the hosted provider: the shared views, then each factor's own folder. */
export function createPageRenderer(): RenderPage {
  return createRenderer([SHARED_VIEWS_DIR, ...FACTORS.map((factor) => factor.viewsDir)]);
}
