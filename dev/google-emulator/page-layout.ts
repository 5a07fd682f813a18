import { escapeHtml } from './escape';

/** The emulator's pages share this shell: self-contained (inline CSS, no scripts, no external assets). */
export function pageLayout(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Google Emulator</title>
<style>${STYLE}</style>
</head>
<body>
<main class="card">
<p class="brand">Google Emulator <span class="badge">local</span></p>
${content}
<p class="footer">A local stand-in for Google sign-in and Gmail. No real Google account is involved.</p>
</main>
</body>
</html>
`;
}

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0; background: #f0f4f9; color: #1f1f1f; }
.card { max-width: 560px; margin: 48px auto; background: #fff; border-radius: 24px; padding: 36px 40px; }
.brand { margin: 0 0 8px; font-weight: 600; color: #444; }
.badge { font-size: 12px; background: #e8f0fe; color: #0b57d0; padding: 2px 8px; border-radius: 10px; }
h1 { font-size: 28px; font-weight: 400; margin: 16px 0 4px; }
h2 { font-size: 16px; font-weight: 600; margin: 24px 0 8px; }
p { line-height: 1.5; }
small, .muted { color: #5f6368; }
fieldset { border: 0; padding: 0; margin: 20px 0 0; }
legend { font-weight: 600; margin-bottom: 8px; padding: 0; }
label.option { display: flex; gap: 12px; align-items: center; padding: 10px 12px; border: 1px solid #dadce0;
  border-radius: 12px; margin-bottom: 8px; cursor: pointer; }
label.option:has(input:checked) { border-color: #0b57d0; background: #f8fbff; }
.avatar { width: 32px; height: 32px; border-radius: 50%; background: #0b57d0; color: #fff; display: grid;
  place-items: center; font-weight: 600; flex: none; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; word-break: break-all; }
pre { background: #f1f3f4; padding: 12px; border-radius: 8px; white-space: pre-wrap; }
.actions { display: flex; flex-direction: row-reverse; gap: 12px; margin-top: 24px; }
button { font: inherit; border-radius: 20px; padding: 8px 24px; border: 1px solid #747775; background: #fff;
  color: #0b57d0; cursor: pointer; }
button.primary { background: #0b57d0; border-color: #0b57d0; color: #fff; }
.notice { background: #fef7e0; border-radius: 8px; padding: 8px 12px; }
.error { color: #b3261e; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: 4px 8px 4px 0; vertical-align: top; }
form.inline { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 8px 0; }
input[type=text], input[type=email], input[type=number], select { font: inherit; padding: 4px 8px; }
.footer { margin-top: 32px; font-size: 12px; color: #5f6368; }
`;
