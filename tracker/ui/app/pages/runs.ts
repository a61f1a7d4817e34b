import type { Run } from '../../../client/schemas.ts';
import { parseFilter } from '../../../search/filter-parser.ts';
import { RUN_SEARCH } from '../../../search/search-spec.ts';
import { ApiError, api } from '../api.ts';
import { h, message, replace } from '../dom.ts';
import type { Page } from '../page.ts';
import { href, type Route } from '../router.ts';
import { noRunsHelp } from '../snippets.ts';
import {
  type Column,
  cellText,
  columnId,
  columnLabel,
  defaultColumns,
  discoverKeys,
  nextSort,
  orderByFor,
  orderByForState,
  PAGE_SIZES,
  readTableState,
  type TableState,
  writeTableState,
} from '../table-model.ts';

/** How often a page with RUNNING runs refreshes itself. */
export const LIVE_REFRESH_MS = 3000;

/** Runs of one experiment: a server-paged, server-sorted, filterable table. */
export const runsPage: Page<Extract<Route, { page: 'runs' }>> = async (ctx, route) => {
  const experimentId = route.experimentId;
  const state: TableState = readTableState(route.query);
  const selected = new Set<string>();
  /** Page tokens of the pages before the current one (for "Previous"). */
  const tokens: (string | undefined)[] = [];
  let token: string | undefined;
  let runs: Run[] = [];
  let nextToken: string | undefined;
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  let experimentName = experimentId;
  /** Number of the latest load; answers of older loads are dropped. */
  let loadSeq = 0;
  let checkTimer: ReturnType<typeof setTimeout> | undefined;
  ctx.onLeave(() => (clearTimeout(liveTimer), clearTimeout(checkTimer)));

  const title = h('h1', { tabindex: -1 }, 'Runs');
  document.title = 'Runs · edgeflow';
  const filterInput = h('input', {
    type: 'search',
    id: 'run-filter',
    class: 'mono',
    value: state.filter,
    'aria-describedby': 'filter-help filter-error',
    placeholder: "metrics.accuracy > 0.9 and params.lr = '0.01'",
    spellcheck: 'false',
    autocomplete: 'off',
  });
  const filterError = h('p', { id: 'filter-error', class: 'field-error', role: 'alert' });
  // Instant feedback while typing, with the same parser the server uses; the server still has the last word.
  filterInput.addEventListener('input', () => {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(() => showFilterProblem(checkFilter(filterInput.value)), 150);
  });
  const filterForm = h(
    'form',
    {
      class: 'filter-form',
      role: 'search',
      onsubmit: (e: Event) => {
        e.preventDefault();
        state.filter = filterInput.value.trim();
        restart();
      },
    },
    h('label', { for: 'run-filter' }, 'Filter'),
    filterInput,
    h('button', { type: 'submit', class: 'primary' }, 'Apply'),
    h('button', { type: 'button', onclick: () => ((filterInput.value = ''), (state.filter = ''), restart()) }, 'Clear'),
  );
  const filterHelp = h(
    'p',
    { id: 'filter-help', class: 'hint' },
    'MLflow search syntax: metrics.x, params.x, tags.x, attributes.status; = != < <= > >= LIKE ILIKE IN; join with AND. Quote odd names with backticks.',
  );

  const sizeSelect = h(
    'select',
    {
      'aria-label': 'Runs per page',
      onchange: (e: Event) => {
        state.pageSize = Number((e.target as HTMLSelectElement).value);
        restart();
      },
    },
    ...PAGE_SIZES.map((n) => h('option', { value: n, selected: n === state.pageSize }, `${n} per page`)),
  );
  const compareLink = h('a', { class: 'button primary', 'aria-disabled': 'true', href: '#' }, 'Compare');
  const selectionInfo = h('span', { class: 'hint', role: 'status' });
  const liveBadge = h('span', { class: 'live', hidden: true }, '● live');
  const columnsButton = h(
    'button',
    { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'column-picker' },
    'Columns',
  );
  const picker = h('div', { id: 'column-picker', class: 'column-picker', hidden: true });
  columnsButton.addEventListener('click', () => {
    const open = picker.hidden;
    picker.hidden = !open;
    columnsButton.setAttribute('aria-expanded', String(open));
    if (open) renderPicker();
  });
  const toolbar = h(
    'div',
    { class: 'toolbar' },
    columnsButton,
    sizeSelect,
    h('button', { type: 'button', onclick: () => void load() }, 'Refresh'),
    liveBadge,
    h('span', { class: 'spacer' }),
    selectionInfo,
    compareLink,
  );
  const tableBox = h('div', { class: 'table-box' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of runs' });

  ctx.view.append(
    h(
      'nav',
      { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: href.experiments() }, 'Experiments'),
      ' / ',
    ),
    title,
    filterForm,
    filterHelp,
    filterError,
    toolbar,
    picker,
    tableBox,
    pager,
  );

  api
    .getExperiment(experimentId)
    .then(({ experiment }) => {
      if (!ctx.alive()) return;
      experimentName = experiment.name;
      title.textContent = experiment.name;
      document.title = `${experiment.name} · edgeflow`;
      // The empty state's snippets name the experiment: draw it again if it came first.
      if (!runs.length && tableBox.querySelector('.empty')) renderTable();
    })
    .catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404)
        replace(ctx.view, h('h1', { tabindex: -1 }, 'Experiment not found'), message('error', e.message));
    });

  function showFilterProblem(problem: string | null): void {
    filterError.textContent = problem ?? '';
    if (problem) filterInput.setAttribute('aria-invalid', 'true');
    else filterInput.removeAttribute('aria-invalid');
  }

  function syncUrl(): void {
    ctx.setUrl(href.runs(experimentId, writeTableState(state)));
  }

  function restart(): void {
    tokens.length = 0;
    token = undefined;
    syncUrl();
    void load();
  }

  function columns(): Column[] {
    return state.columns ?? defaultColumns(runs);
  }

  async function load(quiet = false): Promise<void> {
    clearTimeout(liveTimer);
    clearTimeout(checkTimer);
    const seq = ++loadSeq;
    if (!quiet) tableBox.setAttribute('aria-busy', 'true');
    if (!quiet && !runs.length) replace(tableBox, message('loading', 'Loading runs…'));
    const t0 = performance.now();
    try {
      const res = await api.searchRuns({
        experiment_ids: [experimentId],
        filter: state.filter || undefined,
        order_by: orderByForState(state),
        max_results: state.pageSize,
        page_token: token,
      });
      if (!ctx.alive() || seq !== loadSeq) return;
      runs = res.runs ?? [];
      nextToken = res.next_page_token || undefined;
      showFilterProblem(null);
      renderTable();
      tableBox.dataset.renderMs = String(Math.round(performance.now() - t0));
      tableBox.dataset.loadSeq = String(seq);
      performance.mark('runs-rendered');
    } catch (e) {
      if (!ctx.alive() || seq !== loadSeq) return;
      if (e instanceof ApiError && e.status === 400 && state.filter) {
        // The server parsed the filter and said what is wrong: show it where the filter is typed.
        showFilterProblem(e.message);
        runs = [];
        replace(tableBox, message('error', 'Fix the filter to see runs.'));
      } else {
        replace(tableBox, message('error', `Could not load runs: ${(e as Error).message}`));
      }
      tableBox.dataset.loadSeq = String(seq);
      renderPager();
      return;
    } finally {
      if (seq === loadSeq) tableBox.removeAttribute('aria-busy');
    }
    renderPager();
    const live = runs.some((r) => r.info.status === 'RUNNING');
    liveBadge.hidden = !live;
    if (live) liveTimer = setTimeout(() => void load(true), LIVE_REFRESH_MS);
  }

  function renderTable(): void {
    if (!runs.length) {
      replace(
        tableBox,
        state.filter || tokens.length ? message('empty', 'No runs match this filter.') : noRunsHelp(experimentName),
      );
      return;
    }
    const cols = columns();
    const headRow = h('tr', null, h('th', { scope: 'col', class: 'select-col' }, selectAllBox()));
    for (const col of cols) {
      const id = columnId(col);
      const sortable = orderByFor(col, 'ASC') !== null;
      const active = state.sort && columnId(state.sort.column) === id;
      const ariaSort = active ? (state.sort!.dir === 'ASC' ? 'ascending' : 'descending') : sortable ? 'none' : null;
      const label = h('span', null, columnLabel(col));
      const kind = col.kind === 'attr' ? null : h('span', { class: `col-kind kind-${col.kind}` }, col.kind);
      const content = sortable
        ? h(
            'button',
            {
              type: 'button',
              class: 'sort',
              'data-col': id,
              title: `Sort by ${id}`,
              onclick: () => {
                state.sort = nextSort(state.sort, col);
                restart();
              },
            },
            kind,
            label,
            h(
              'span',
              { class: 'sort-mark', 'aria-hidden': 'true' },
              active ? (state.sort!.dir === 'ASC' ? ' ▲' : ' ▼') : '',
            ),
          )
        : h('span', null, kind, label);
      headRow.append(h('th', { scope: 'col', 'aria-sort': ariaSort, 'data-col': id }, content));
    }
    const body = h('tbody');
    const frag = document.createDocumentFragment();
    for (const run of runs) {
      const id = run.info.run_id;
      const box = h('input', {
        type: 'checkbox',
        'aria-label': `Select run ${run.info.run_name || id}`,
        checked: selected.has(id),
      });
      box.addEventListener('change', () => {
        if (box.checked) selected.add(id);
        else selected.delete(id);
        renderSelection();
      });
      const tr = h('tr', { 'data-run-id': id }, h('td', { class: 'select-col' }, box));
      for (const col of cols) {
        const text = cellText(run, col);
        if (col.kind === 'attr' && col.key === 'run_name')
          tr.append(h('td', null, h('a', { href: href.run(id) }, text)));
        else if (col.kind === 'attr' && col.key === 'status')
          tr.append(h('td', null, h('span', { class: `status status-${run.info.status.toLowerCase()}` }, text)));
        else
          tr.append(
            h(
              'td',
              { class: col.kind === 'metric' ? 'num' : undefined, title: text.length > 40 ? text : undefined },
              text,
            ),
          );
      }
      frag.append(tr);
    }
    body.append(frag);
    replace(
      tableBox,
      h(
        'table',
        { class: 'data runs', id: 'runs-table' },
        h('caption', { class: 'visually-hidden' }, 'Runs'),
        h('thead', null, headRow),
        body,
      ),
    );
    renderSelection();
  }

  function selectAllBox(): HTMLInputElement {
    const all = runs.length > 0 && runs.every((r) => selected.has(r.info.run_id));
    const box = h('input', { type: 'checkbox', 'aria-label': 'Select all runs on this page', checked: all });
    box.addEventListener('change', () => {
      for (const r of runs) {
        if (box.checked) selected.add(r.info.run_id);
        else selected.delete(r.info.run_id);
      }
      renderTable();
    });
    return box;
  }

  function renderSelection(): void {
    const n = selected.size;
    selectionInfo.textContent = n ? `${n} selected` : 'Select runs to compare';
    if (n >= 2) {
      compareLink.setAttribute('href', href.compare([...selected]));
      compareLink.removeAttribute('aria-disabled');
    } else {
      compareLink.setAttribute('href', '#');
      compareLink.setAttribute('aria-disabled', 'true');
    }
    compareLink.textContent = n >= 2 ? `Compare ${n} runs` : 'Compare';
  }
  compareLink.addEventListener('click', (e) => {
    if (selected.size < 2) e.preventDefault();
  });

  function renderPager(): void {
    const page = tokens.length + 1;
    replace(
      pager,
      h(
        'button',
        {
          type: 'button',
          disabled: tokens.length === 0,
          onclick: () => {
            token = tokens.pop();
            void load();
          },
        },
        '← Previous',
      ),
      h('span', { class: 'hint' }, `Page ${page} · ${runs.length} runs shown`),
      h(
        'button',
        {
          type: 'button',
          disabled: !nextToken,
          onclick: () => {
            tokens.push(token);
            token = nextToken;
            void load();
          },
        },
        'Next →',
      ),
    );
  }

  function renderPicker(): void {
    const keys = discoverKeys(runs);
    const chosen = new Set(columns().map(columnId));
    for (const c of state.columns ?? []) {
      if (c.kind === 'param' && !keys.params.includes(c.key)) keys.params.push(c.key);
      if (c.kind === 'metric' && !keys.metrics.includes(c.key)) keys.metrics.push(c.key);
      if (c.kind === 'tag' && !keys.tags.includes(c.key)) keys.tags.push(c.key);
    }
    const group = (legend: string, kind: 'attr' | 'param' | 'metric' | 'tag', names: string[]) => {
      if (!names.length) return null;
      return h(
        'fieldset',
        null,
        h('legend', null, legend),
        ...names.map((key) => {
          const col = { kind, key } as Column;
          const id = columnId(col);
          const box = h('input', { type: 'checkbox', checked: chosen.has(id), 'data-col': id });
          box.addEventListener('change', () => {
            const current = columns();
            state.columns = box.checked ? [...current, col] : current.filter((c) => columnId(c) !== id);
            syncUrl();
            renderTable();
          });
          return h('label', null, box, ' ', kind === 'attr' ? columnLabel(col) : key);
        }),
      );
    };
    replace(
      picker,
      group('Attributes', 'attr', ['run_name', 'status', 'start_time', 'duration', 'user_id']),
      group('Metrics', 'metric', keys.metrics),
      group('Params', 'param', keys.params),
      group('Tags', 'tag', keys.tags),
      h('p', { class: 'hint' }, 'Keys come from the runs on this page.'),
    );
  }

  await load();
};

/** The filter's syntax problem as the tracker's own parser words it, or null when it parses. */
export function checkFilter(filter: string): string | null {
  try {
    parseFilter(filter, RUN_SEARCH);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
