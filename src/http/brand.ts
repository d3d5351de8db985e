import type { Middleware } from 'koa';
import type { MfaSettings } from '../config/settings-schema.ts';
import type { RenderPage } from './views.ts';

/** The operator's brand as the pages, the text messages and the authenticator apps see it (issue 13 §7). */
export interface Brand {
  productName: string;
  /** The otpauth issuer and passkey RP name. */
  issuerLabel: string;
  logoUrl: string | null;
  primaryColor: string | null;
}

type BrandSettings = Pick<MfaSettings, 'productName' | 'issuerLabel' | 'logoUrl' | 'primaryColor'>;

/** Settings already validated (settings-schema.ts); what is left out falls back to the issuer's host name. */
export function brandOf(settings: BrandSettings, issuer: string): Brand {
  const productName = settings.productName ?? new URL(issuer).host;
  return { productName, issuerLabel: settings.issuerLabel ?? productName, logoUrl: settings.logoUrl, primaryColor: settings.primaryColor };
}

/** Every page gets `brand` (layout.pug: the title's suffix, the logo, the colour's stylesheet). */
export function withBrand(render: RenderPage, brand: Brand): RenderPage {
  return (template, model) => render(template, { brand, ...model });
}

/** The origins the CSP's img-src must allow beyond our own: the logo's, when it is elsewhere. */
export function imageSourcesOf(brand: Brand): string[] {
  return brand.logoUrl ? [new URL(brand.logoUrl).origin] : [];
}

/**
 * `/static/brand.css`: the primary colour as the light scheme's accent. A stylesheet from our own
 * origin, because the CSP (style-src 'self') allows no inline style. The dark scheme keeps its own
 * accent, checked against the dark background: a colour readable on white rarely is on black.
 */
export function brandStylesheet(brand: Brand): Middleware {
  const body = brand.primaryColor ? `@media (prefers-color-scheme: light) { :root { --accent: ${brand.primaryColor}; } }\n` : '';
  return async (ctx, next) => {
    if (ctx.path !== '/static/brand.css' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.type = 'text/css; charset=utf-8';
    ctx.set('cache-control', 'public, max-age=3600');
    ctx.body = body;
  };
}
