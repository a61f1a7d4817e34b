import type { Experiment, ExperimentStats } from '../../../client/schemas.ts';
import { ApiError, api } from '../api.ts';
import { confirmDialog } from '../confirm.ts';
import { append, h, message, replace } from '../dom.ts';
import { formatTime } from '../format.ts';
import type { Page } from '../page.ts';
import { href } from '../router.ts';
import { noRunsHelp } from '../snippets.ts';

/** Experiments: list (paged), create, rename, delete and restore. */
export const experimentsPage: Page = async (ctx) => {
  document.title = 'Experiments · edgeflow';
  let showDeleted = false;
  const status = h('p', { class: 'action-status', role: 'status' });
  const listBox = h('div', { class: 'list-box' });

  const nameInput = h('input', {
    type: 'text',
    name: 'name',
    required: true,
    maxlength: 500,
    'aria-label': 'New experiment name',
    placeholder: 'new experiment name',
  });
  const createForm = h(
    'form',
    {
      class: 'inline-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const name = nameInput.value.trim();
        if (!name) return;
        try {
          const { experiment_id } = await api.createExperiment(name);
          ctx.navigate(href.runs(experiment_id));
        } catch (err) {
          status.textContent = `Could not create “${name}”: ${(err as Error).message}`;
          status.setAttribute('role', 'alert');
        }
      },
    },
    nameInput,
    h('button', { type: 'submit', class: 'primary' }, 'Create experiment'),
  );
  const deletedToggle = h('input', {
    type: 'checkbox',
    onchange: (e: Event) => {
      showDeleted = (e.target as HTMLInputElement).checked;
      void load();
    },
  });

  ctx.view.append(
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, 'Experiments'), createForm),
    h('label', { class: 'toggle' }, deletedToggle, ' Show deleted experiments'),
    status,
    listBox,
  );

  async function load(): Promise<void> {
    replace(listBox, message('loading', 'Loading experiments…'));
    const rows: Experiment[] = [];
    const stats = new Map<string, ExperimentStats>();
    let token: string | undefined;
    const table = h('table', { class: 'data' });
    const more = h('button', { type: 'button', onclick: () => void page() }, 'Load more');
    async function page(): Promise<void> {
      let res: Awaited<ReturnType<typeof api.searchExperiments>>;
      try {
        res = await api.searchExperiments({
          max_results: 100,
          page_token: token,
          view_type: showDeleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY',
          order_by: ['last_update_time DESC'],
        });
      } catch (err) {
        replace(listBox, message('error', `Could not load experiments: ${(err as Error).message}`));
        return;
      }
      const found = res.experiments ?? [];
      // Run counts and last activity of this page, in one query (not a search per experiment).
      if (found.length) {
        try {
          for (const s of (await api.experimentStats(found.map((e) => e.experiment_id))).stats ?? [])
            stats.set(s.experiment_id, s);
        } catch {
          /* the list is still useful without counts */
        }
      }
      if (!ctx.alive()) return;
      rows.push(...found);
      token = res.next_page_token || undefined;
      renderTable(rows, stats, table);
      const children: (Node | null)[] = [table, token ? more : null];
      if (!rows.length)
        children.splice(
          0,
          2,
          message('empty', showDeleted ? 'No deleted experiments.' : 'No experiments yet.'),
          showDeleted ? null : noRunsHelp('my-experiment'),
        );
      replace(listBox, ...children);
    }
    await page();
  }

  function renderTable(rows: Experiment[], stats: Map<string, ExperimentStats>, table: HTMLTableElement): void {
    const body = h('tbody');
    for (const e of rows) body.append(experimentRow(e, stats.get(e.experiment_id)));
    replace(
      table,
      h('caption', { class: 'visually-hidden' }, 'Experiments'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ...['Name', 'ID', 'Runs', 'Last activity', 'Created', 'Actions'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      body,
    );
  }

  function experimentRow(e: Experiment, s: ExperimentStats | undefined): HTMLTableRowElement {
    const actions = h('td', { class: 'actions' });
    const act = async (label: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
        status.setAttribute('role', 'status');
        status.textContent = label;
        await load();
      } catch (err) {
        status.setAttribute('role', 'alert');
        status.textContent = err instanceof ApiError ? err.message : String(err);
      }
    };
    if (e.lifecycle_stage === 'deleted') {
      actions.append(
        h(
          'button',
          { type: 'button', onclick: () => act(`Restored “${e.name}”.`, () => api.restoreExperiment(e.experiment_id)) },
          'Restore',
        ),
      );
    } else {
      append(actions, [
        h('button', { type: 'button', onclick: () => renameInline(e, actions) }, 'Rename'),
        e.experiment_id === '0'
          ? null
          : h(
              'button',
              {
                type: 'button',
                class: 'danger',
                onclick: async () => {
                  const ok = await confirmDialog(
                    'Delete experiment?',
                    `“${e.name}” and its runs move to the deleted list; you can restore them.`,
                    'Delete',
                  );
                  if (ok) await act(`Deleted “${e.name}”.`, () => api.deleteExperiment(e.experiment_id));
                },
              },
              'Delete',
            ),
      ]);
    }
    const lastActivity = Math.max(Number(s?.last_run_start_time ?? 0), Number(e.last_update_time ?? 0)) || undefined;
    return h(
      'tr',
      { 'data-experiment-id': e.experiment_id },
      h('td', null, h('a', { href: href.runs(e.experiment_id) }, e.name)),
      h('td', { class: 'mono' }, e.experiment_id),
      h('td', { class: 'num run-count' }, s ? String(s.run_count) : '—'),
      h('td', { class: 'last-activity' }, formatTime(lastActivity)),
      h('td', null, formatTime(e.creation_time)),
      actions,
    );
  }

  function renameInline(e: Experiment, cell: HTMLElement): void {
    const input = h('input', { type: 'text', value: e.name, 'aria-label': `New name for ${e.name}`, required: true });
    const form = h(
      'form',
      {
        class: 'inline-form',
        onsubmit: async (ev: Event) => {
          ev.preventDefault();
          const name = input.value.trim();
          if (!name || name === e.name) return void load();
          try {
            await api.renameExperiment(e.experiment_id, name);
            status.setAttribute('role', 'status');
            status.textContent = `Renamed “${e.name}” to “${name}”.`;
            await load();
          } catch (err) {
            status.setAttribute('role', 'alert');
            status.textContent = (err as Error).message;
          }
        },
      },
      input,
      h('button', { type: 'submit', class: 'primary' }, 'Save'),
      h('button', { type: 'button', onclick: () => void load() }, 'Cancel'),
    );
    replace(cell, form);
    input.focus();
  }

  await load();
};
