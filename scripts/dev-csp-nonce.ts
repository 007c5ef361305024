/**
 * `vite serve` only (web dev server and `npm run dev`). The dev server injects inline scripts and
 * styles (React refresh, CSS hot reload), which the page's strict meta CSP refuses. Rather than
 * loosen the policy, the server tags what it injects with a per-run nonce (`html.cspNonce`) and this
 * plugin adds that nonce to the meta CSP's script-src and style-src. Builds keep the policy as written.
 */
import { randomBytes } from 'node:crypto';
import type { Plugin } from 'vite';

export function newDevNonce(): string {
  return randomBytes(16).toString('base64');
}

export function devCspNonce(nonce: string): Plugin {
  return {
    name: 'dialtone:dev-csp-nonce',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(
        /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")/i,
        (_match, head: string, policy: string, tail: string) =>
          head +
          policy
            .split(';')
            .map((d) => (/^\s*(script|style)-src\s/.test(d) ? `${d.trimEnd()} 'nonce-${nonce}'` : d))
            .join(';') +
          tail,
      );
    },
  };
}
