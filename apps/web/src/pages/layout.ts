import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** Markup made by `html`: its interpolations are already escaped. */
export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

// A constant stylesheet: inserted raw, since escaping would break its quotes.
const STYLE = `
:root { --ink:#1d2433; --muted:#5b6478; --line:#d9dee8; --accent:#2f5bea; --ok:#137a3a; --bad:#b42318; --bg:#f6f7fb; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, sans-serif; color:var(--ink); background:var(--bg); }
header { background:#fff; border-bottom:1px solid var(--line); padding:12px 24px; display:flex; gap:24px; align-items:center; }
header .brand { font-weight:700; }
.seen { color:var(--muted); font-size:13px; }
header nav { display:flex; gap:16px; flex:1; }
header form { margin:0; }
main { max-width:1100px; margin:24px auto; padding:0 24px; }
a { color:var(--accent); }
h1 { font-size:24px; margin:0 0 12px; }
h2 { font-size:18px; margin:24px 0 8px; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 20px; margin:16px 0; }
button, .button { font:inherit; background:var(--accent); color:#fff; border:0; border-radius:6px; padding:8px 16px; cursor:pointer; text-decoration:none; display:inline-block; }
button.secondary { background:#fff; color:var(--ink); border:1px solid var(--line); }
table { border-collapse:collapse; width:100%; table-layout:fixed; }
td, th { text-align:left; vertical-align:top; padding:4px 8px; border-top:1px solid var(--line); }
th { width:34%; color:var(--muted); font-weight:500; overflow-wrap:anywhere; }
td { overflow-wrap:anywhere; }
pre { background:#f1f3f8; padding:8px 10px; border-radius:6px; margin:4px 0; font-size:13px; white-space:pre-wrap; overflow-wrap:anywhere; }
code { font-size:13px; }
.masked { font-family:monospace; color:var(--muted); }
.ok { color:var(--ok); } .bad { color:var(--bad); }
.status { font-weight:600; }
.lanes { display:grid; gap:0; margin:12px 0 4px; }
.lane { text-align:center; font-weight:600; font-size:13px; padding:6px; background:#eef1f8; border:1px solid var(--line); border-radius:6px; margin:0 6px; }
.hop { border:1px solid var(--line); border-radius:8px; background:#fff; margin:12px 0; }
.hop .arrows { display:grid; padding:6px 0 2px; }
.life { grid-row:1 / span 2; position:relative; }
.life::after { content:''; position:absolute; left:50%; top:0; bottom:0; border-left:1px dashed var(--line); }
.arrow { position:relative; z-index:1; height:26px; margin:0 calc(50% / var(--n)); font-size:12px; text-align:center; color:var(--muted); }
.arrow::before { content:''; position:absolute; left:0; right:0; top:18px; border-top:2px solid var(--accent); }
.arrow.back::before { border-top-style:dashed; border-color:var(--muted); }
.arrow.right::after { content:'▶'; position:absolute; right:-4px; top:9px; color:var(--accent); }
.arrow.left::after { content:'◀'; position:absolute; left:-4px; top:9px; color:var(--accent); }
.arrow.back.right::after, .arrow.back.left::after { color:var(--muted); }
.hop .title { padding:6px 16px; font-weight:600; }
.hop .cols { display:grid; grid-template-columns:minmax(0,1fr); gap:4px; padding:0 16px 12px; }
.hop th { width:14rem; }
.hop h4 { margin:8px 0 4px; font-size:13px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
.hop h4 code { text-transform:none; letter-spacing:0; }
.note { border-left:4px solid var(--accent); }
details summary { cursor:pointer; }
.failure { border-left:4px solid var(--bad); }
.success { border-left:4px solid var(--ok); }
.paths { display:grid; grid-template-columns:repeat(3, 1fr); gap:16px; }
`;

/** The page frame: a header with navigation (and sign-out when signed in) around `body`. */
export function layout(title: string, body: Markup, signedIn: boolean): Markup {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · onbehalf</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header>
  <span class="brand">onbehalf</span>
  <nav>
    ${
      signedIn
        ? html`<a href="/me">You</a>
    <a href="/paths/xaa">Cross App Access</a>
    <a href="/paths/secret">Vaulted secret</a>
    <a href="/paths/service-account">Service account</a>`
        : html`<a href="/">Home</a>`
    }
  </nav>
  ${
    signedIn
      ? html`<form method="post" action="/logout"><button class="secondary" type="submit" id="sign-out">Sign out</button></form>`
      : ''
  }
</header>
<main>
${body}
</main>
</body>
</html>`;
}
