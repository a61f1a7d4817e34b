import { openApiDocument } from './openapi.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const EXAMPLES: Record<string, string> = {
  '/predict': '{"features": [0.1, 0.2, ...]}',
  '/v1/models/{name}/predict': '{"inputs": {"f0": 0.1, ...}}  or  {"instances": [[...], {...}]}',
  '/v1/models/{name}/versions/{version}/predict': '{"features": [...]}',
};

let cached: string | undefined;

/** `GET /docs`: a small self-contained HTML page listing the API from the OpenAPI document. */
export function docsPage(): string {
  if (cached) return cached;
  const doc = openApiDocument() as {
    info: { title: string; description: string };
    paths: Record<string, Record<string, { summary: string }>>;
  };
  const rows = Object.entries(doc.paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(
        ([method, op]) =>
          `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${esc(path)}</code></td><td>${esc(op.summary)}${
            EXAMPLES[path] && method === 'post' ? `<br><code class="ex">${esc(EXAMPLES[path])}</code>` : ''
          }</td></tr>`,
      ),
    )
    .join('\n');
  cached = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td{border-top:1px solid #ddd;padding:.4rem .6rem;vertical-align:top}
code{font:13px ui-monospace,monospace}.ex{color:#555}</style></head>
<body><h1>${esc(doc.info.title)}</h1><p>${esc(doc.info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Every answer names the version that served it
(<code>x-model-version</code>); errors are <code>{"error": {"code", "message"}}</code>. Send <code>x-edgeflow-key</code>
to stay on one side of a canary split; when API keys are on, send <code>authorization: Bearer &lt;key&gt;</code>.</p>
<table>${rows}</table></body></html>`;
  return cached;
}
