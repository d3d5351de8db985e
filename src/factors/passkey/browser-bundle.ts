import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * @simplewebauthn/browser's UMD bundle (it defines the global SimpleWebAuthnBrowser), served as
 * our own static file: no CDN, and the CSP keeps script-src 'self'. The package's exports map
 * names only its entry point, so the bundle is found beside it (dist/bundle/ of the same version).
 */
const entry = createRequire(import.meta.url).resolve('@simplewebauthn/browser');
export const SIMPLEWEBAUTHN_BROWSER_BUNDLE = path.join(entry, '..', '..', 'dist', 'bundle', 'index.umd.min.js');
