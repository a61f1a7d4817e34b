import type { FileInfo, KeyValue, Metric, Run } from '../../../client/schemas.ts';
import { ApiError, api, fullHistory } from '../api.ts';
import { artifactDownloadUrl } from '../artifact-url.ts';
import { chartFigure } from '../chart.ts';
import { alignSeries, historyToSeries } from '../chart-data.ts';
import { append, h, message, replace } from '../dom.ts';
import { formatBytes, formatDuration, formatNumber, formatTime } from '../format.ts';
import { mapLimit } from '../map-limit.ts';
import type { Page } from '../page.ts';
import { href, type Route } from '../router.ts';
import { quoteString } from '../search-string.ts';
import { runDuration } from '../table-model.ts';

/** How often a RUNNING run's page refreshes its charts. */
export const RUN_REFRESH_MS = 5000;

/** One run: overview, params, tags, latest metrics with charts, artifacts, model versions, children. */
export const runPage: Page<Extract<Route, { page: 'run' }>> = async (ctx, route) => {
  document.title = 'Run · edgeflow';
  let run: Run;
  try {
    run = (await api.getRun(route.runId)).run;
  } catch (e) {
    const notFound = e instanceof ApiError && e.status === 404;
    ctx.view.append(
      h('h1', { tabindex: -1 }, notFound ? 'Run not found' : 'Run'),
      message('error', (e as Error).message),
    );
    return;
  }
  if (!ctx.alive()) return;
  const { info } = run;
  const name = info.run_name || info.run_id;
  document.title = `${name} · edgeflow`;
  const tags = new Map((run.data.tags ?? []).map((t) => [t.key, t.value]));
  const parent = tags.get('mlflow.parentRunId');

  const experimentLink = h('a', { href: href.runs(info.experiment_id), id: 'run-experiment' }, info.experiment_id);
  void api.getExperiment(info.experiment_id).then(
    (e) => (experimentLink.textContent = e.experiment.name),
    () => undefined,
  );
  const parentLink = h('a', { href: parent ? href.run(parent) : undefined, id: 'parent-run' }, parent ?? '');
  if (parent)
    void api.getRun(parent).then(
      (p) => (parentLink.textContent = p.run.info.run_name || parent),
      () => undefined,
    );
  const statusEl = h('span', { class: `status status-${info.status.toLowerCase()}` }, info.status);
  const overview = h(
    'dl',
    { class: 'overview' },
    item('Run ID', h('code', null, info.run_id)),
    item('Experiment', experimentLink),
    item('Status', statusEl),
    item('Started', formatTime(info.start_time)),
    item('Ended', formatTime(info.end_time)),
    item('Duration', formatDuration(runDuration(run))),
    info.user_id ? item('User', info.user_id) : null,
    parent ? item('Parent run', parentLink) : null,
    tags.get('mlflow.source.name') ? item('Source', tags.get('mlflow.source.name')!) : null,
  );
  const metricsTable = h('div');
  const charts = h('div', { class: 'charts', id: 'charts' });
  const artifacts = h('div', { id: 'artifacts' }, message('loading', 'Loading artifacts…'));
  const versions = h('div', { id: 'run-model-versions' }, message('loading', 'Loading model versions…'));
  const children = h('div', { id: 'child-runs' });

  append(ctx.view, [
    h(
      'nav',
      { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: href.experiments() }, 'Experiments'),
      ' / ',
      h('a', { href: href.runs(info.experiment_id) }, 'Runs'),
      ' / ',
    ),
    h('h1', { tabindex: -1 }, name),
    overview,
    section('Metrics', metricsTable, charts),
    section('Parameters', kvTable(run.data.params ?? [], 'No parameters logged.')),
    section('Tags', tagTables(run.data.tags ?? [])),
    datasets(run),
    section('Artifacts', artifacts),
    section('Model versions from this run', versions),
    section('Child runs', children),
  ]);

  // Charts: one per metric, histories loaded four at a time; redrawn with fresh data while RUNNING.
  const histories = new Map<string, Metric[]>();
  const redraws = new Map<string, () => void>();
  function renderMetrics(r: Run): void {
    const metrics = [...(r.data.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key));
    replace(
      metricsTable,
      metrics.length
        ? table(
            ['Metric', 'Latest', 'Step', 'Logged'],
            metrics.map((m) => [m.key, formatNumber(m.value), String(m.step ?? 0), formatTime(m.timestamp)]),
            'metrics-latest',
          )
        : message('empty', 'No metrics logged yet.'),
    );
  }
  renderMetrics(run);
  async function loadCharts(r: Run): Promise<void> {
    const keys = [...new Set((r.data.metrics ?? []).map((m) => m.key))].sort((a, b) => a.localeCompare(b));
    const drawn: Promise<void>[] = [];
    await mapLimit(keys, 4, async (key) => {
      const points = await fullHistory(info.run_id, key);
      if (!ctx.alive()) return;
      histories.set(key, points);
      const redraw = redraws.get(key);
      if (redraw) return redraw();
      const fig = chartFigure(key, (xMode) => ({
        labels: [key],
        data: alignSeries([historyToSeries(histories.get(key) ?? [], xMode)]),
        yLabel: key,
      }));
      // Fresh data keeps the user's zoom (the figure's `redraw` event).
      redraws.set(key, () => fig.dispatchEvent(new Event('redraw')));
      // Keep charts in key order whatever order their histories arrive in.
      const after = [...charts.children].find((c) => (c as HTMLElement).dataset.key! > key);
      fig.dataset.key = key;
      charts.insertBefore(fig, after ?? null);
      drawn.push(fig.chart.drawn!);
    });
    await Promise.all(drawn);
  }
  void loadArtifacts(run, artifacts, '');
  api
    .searchModelVersions(`run_id=${quoteString(info.run_id)}`)
    .then((res) => {
      const mvs = res.model_versions ?? [];
      replace(
        versions,
        mvs.length
          ? table(
              ['Model', 'Version', 'Stage', 'Aliases', 'Registered'],
              mvs.map((v) => [
                h('a', { href: href.model(v.name) }, v.name),
                v.version,
                v.current_stage ?? '',
                (v.aliases ?? []).join(', '),
                formatTime(v.creation_timestamp),
              ]),
            )
          : message('empty', 'No model registered from this run.'),
      );
    })
    .catch((e: unknown) =>
      replace(versions, message('error', `Could not load model versions: ${(e as Error).message}`)),
    );
  api
    .searchRuns({
      experiment_ids: [info.experiment_id],
      filter: `tags.mlflow.parentRunId = ${quoteString(info.run_id)}`,
      max_results: 100,
      order_by: ['attributes.start_time DESC'],
    })
    .then((res) => {
      const kids = res.runs ?? [];
      replace(
        children,
        kids.length
          ? table(
              ['Run', 'Status', 'Started'],
              kids.map((k) => [
                h('a', { href: href.run(k.info.run_id) }, k.info.run_name || k.info.run_id),
                k.info.status,
                formatTime(k.info.start_time),
              ]),
            )
          : message('empty', 'No child runs.'),
      );
    })
    .catch((e: unknown) => replace(children, message('error', `Could not load child runs: ${(e as Error).message}`)));

  await loadCharts(run).then(
    () => performance.mark('run-charts-drawn'),
    (e: unknown) => charts.append(message('error', `Could not load metric history: ${(e as Error).message}`)),
  );

  if (info.status === 'RUNNING') {
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      try {
        const fresh = (await api.getRun(info.run_id)).run;
        if (!ctx.alive()) return;
        statusEl.textContent = fresh.info.status;
        statusEl.className = `status status-${fresh.info.status.toLowerCase()}`;
        renderMetrics(fresh);
        await loadCharts(fresh);
        if (fresh.info.status !== 'RUNNING') return;
      } catch {
        /* keep trying */
      }
      if (ctx.alive()) timer = setTimeout(tick, RUN_REFRESH_MS);
    };
    timer = setTimeout(tick, RUN_REFRESH_MS);
    ctx.onLeave(() => clearTimeout(timer));
  }
};

async function loadArtifacts(run: Run, box: HTMLElement, path: string): Promise<void> {
  let files: FileInfo[];
  try {
    files = (await api.listArtifacts(run.info.run_id, path || undefined)).files ?? [];
  } catch (e) {
    replace(box, message('error', `Could not list artifacts: ${(e as Error).message}`));
    return;
  }
  if (!files.length) {
    replace(box, message('empty', path ? 'This folder is empty.' : 'No artifacts logged.'));
    return;
  }
  const list = h('ul', { class: 'artifacts' });
  for (const f of files.sort((a, b) => Number(!!b.is_dir) - Number(!!a.is_dir) || a.path.localeCompare(b.path))) {
    const base = f.path.split('/').pop() ?? f.path;
    if (f.is_dir) {
      const sub = h('div', { class: 'artifact-children' });
      const toggle = h('button', { type: 'button', class: 'link-button', 'aria-expanded': 'false' }, `📁 ${base}/`);
      toggle.addEventListener('click', () => {
        const open = toggle.getAttribute('aria-expanded') !== 'true';
        toggle.setAttribute('aria-expanded', String(open));
        if (open) void loadArtifacts(run, sub, f.path);
        else sub.replaceChildren();
      });
      list.append(h('li', null, toggle, sub));
    } else {
      const url = artifactDownloadUrl(run.info.artifact_uri, f.path);
      list.append(
        h(
          'li',
          null,
          url ? h('a', { href: url, download: base }, base) : base,
          ' ',
          h('span', { class: 'hint' }, formatBytes(f.file_size)),
        ),
      );
    }
  }
  replace(box, list);
}

function item(label: string, value: Node | string): HTMLElement {
  return h('div', null, h('dt', null, label), h('dd', null, value));
}

function section(title: string, ...content: Node[]): HTMLElement {
  const id = `s-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...content);
}

function table(head: string[], rows: (string | Node)[][], id?: string): HTMLTableElement {
  return h(
    'table',
    { class: 'data', id },
    h('thead', null, h('tr', null, ...head.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, ...rows.map((r) => h('tr', null, ...r.map((c) => h('td', null, c))))),
  );
}

function kvTable(items: KeyValue[], empty: string): HTMLElement {
  if (!items.length) return message('empty', empty);
  const sorted = [...items].sort((a, b) => a.key.localeCompare(b.key));
  return table(
    ['Name', 'Value'],
    sorted.map((p) => [p.key, p.value]),
  );
}

function tagTables(tags: KeyValue[]): HTMLElement {
  const user = tags.filter((t) => !t.key.startsWith('mlflow.'));
  const system = tags.filter((t) => t.key.startsWith('mlflow.'));
  return h(
    'div',
    null,
    kvTable(user, 'No tags.'),
    system.length
      ? h('details', null, h('summary', null, `System tags (${system.length})`), kvTable(system, ''))
      : null,
  );
}

function datasets(run: Run): HTMLElement | null {
  const inputs = run.inputs?.dataset_inputs ?? [];
  if (!inputs.length) return null;
  return section(
    'Datasets',
    table(
      ['Name', 'Digest', 'Source'],
      inputs.map((d) => [d.dataset.name, d.dataset.digest, d.dataset.source ?? '']),
    ),
  );
}
