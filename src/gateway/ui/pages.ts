/** The HTML shells of the console and the playground: no data, no inline script or style (see the CSP). */

export type PageName = 'console' | 'playground';

const TITLES: Record<PageName, string> = {
  console: 'Handover providers · handover-kit console',
  playground: 'Playground · handover-kit',
};

/** Strict: scripts and styles from this origin only, nothing inline, no framing, no form posts. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export function pageHtml(page: PageName, options: { version: string; console: boolean; playground: boolean }): string {
  const v = encodeURIComponent(options.version);
  const link = (target: PageName, label: string) =>
    `<a href="${target}"${target === page ? ' aria-current="page"' : ''}>${label}</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${TITLES[page]}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="ui/app.css?v=${v}">
<script defer src="ui/${page}.js?v=${v}"></script>
</head>
<body data-page="${page}">
<a class="skip" href="#app">Skip to content</a>
<header class="topbar">
<span class="brand">handover-kit</span>
<nav aria-label="Pages">${options.console ? link('console', 'Providers') : ''}${
    options.playground ? link('playground', 'Playground') : ''
  }</nav>
<span id="account" class="account"></span>
</header>
<main id="app" tabindex="-1"><noscript>This page needs JavaScript.</noscript>
<p class="muted" id="loading">Loading…</p></main>
</body>
</html>
`;
}
