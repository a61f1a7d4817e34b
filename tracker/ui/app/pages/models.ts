import { DASHBOARD_ACTOR, MAX_ACTOR_LENGTH } from '../../../../contracts/actor.ts';
import { EDGE_TAG, EDGE_TAG_ON, edgeOptedIn } from '../../../../contracts/naming.ts';
import type { Deployment, ModelVersion, Pointer, RegisteredModel, Run } from '../../../client/schemas.ts';
import { getActor, setActor } from '../actor.ts';
import { ApiError, api } from '../api.ts';
import { confirmDialog } from '../confirm.ts';
import { h, message, replace } from '../dom.ts';
import { formatNumber, formatTime } from '../format.ts';
import { mapLimit } from '../map-limit.ts';
import type { Page } from '../page.ts';
import { href, type Route } from '../router.ts';
import { quoteString } from '../search-string.ts';
import { codeBlock, pythonModelSnippet } from '../snippets.ts';

/** The alias that puts a version live at the edge, for a model opted in (contracts/naming.ts PRODUCTION_ALIAS). */
export const PRODUCTION = 'production';

/** Registered models. */
export const modelsPage: Page = async (ctx) => {
  document.title = 'Models · edgeflow';
  const box = h('div', null, message('loading', 'Loading models…'));
  ctx.view.append(h('h1', { tabindex: -1 }, 'Models'), box);
  const models: RegisteredModel[] = [];
  let token: string | undefined;
  try {
    do {
      const res = await api.searchRegisteredModels(token);
      models.push(...(res.registered_models ?? []));
      token = res.next_page_token || undefined;
    } while (token && models.length < 1000);
  } catch (e) {
    replace(box, message('error', `Could not load models: ${(e as Error).message}`));
    return;
  }
  if (!ctx.alive()) return;
  if (!models.length) {
    replace(
      box,
      h(
        'section',
        { class: 'empty' },
        h('h2', null, 'No registered models yet'),
        h('p', null, 'Register a version from a run, then promote it here.'),
        codeBlock("Python (MLflow's client)", pythonModelSnippet()),
      ),
    );
    return;
  }
  replace(
    box,
    h(
      'table',
      { class: 'data', id: 'models-table' },
      h(
        'thead',
        null,
        h('tr', null, ...['Name', 'Latest version', 'Aliases', 'Updated'].map((t) => h('th', { scope: 'col' }, t))),
      ),
      h(
        'tbody',
        null,
        ...models.map((m) => {
          const latest = (m.latest_versions ?? []).reduce((a, v) => Math.max(a, Number(v.version)), 0);
          return h(
            'tr',
            null,
            h('td', null, h('a', { href: href.model(m.name) }, m.name)),
            h('td', null, latest ? String(latest) : '—'),
            h('td', null, (m.aliases ?? []).map((a) => `@${a.alias} → v${a.version}`).join(', ')),
            h('td', null, formatTime(m.last_updated_timestamp)),
          );
        }),
      ),
    ),
  );
};

/** One model: live version at the edge (read back from the pointer), versions, promote, roll back, history. */
export const modelPage: Page<Extract<Route, { page: 'model' }>> = async (ctx, route) => {
  const name = route.name;
  document.title = `${name} · edgeflow`;
  const live = h('section', { class: 'live-card', id: 'live', 'aria-labelledby': 's-live' });
  const actionStatus = h('p', { class: 'action-status', id: 'action-status', role: 'status' });
  const versionsBox = h('div', { class: 'table-box' }, message('loading', 'Loading versions…'));
  const historyBox = h('div', { class: 'table-box' });
  ctx.view.append(
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: href.models() }, 'Models'), ' / '),
    h('h1', { tabindex: -1 }, name),
    live,
    actingAsField(),
    actionStatus,
    h('section', { 'aria-labelledby': 's-versions' }, h('h2', { id: 's-versions' }, 'Versions'), versionsBox),
    h('section', { 'aria-labelledby': 's-history' }, h('h2', { id: 's-history' }, 'Deployment history'), historyBox),
  );

  let model: RegisteredModel;
  try {
    model = (await api.getRegisteredModel(name)).registered_model;
  } catch (e) {
    replace(
      versionsBox,
      message(
        'error',
        e instanceof ApiError && e.status === 404 ? `No registered model named “${name}”.` : (e as Error).message,
      ),
    );
    return;
  }
  const versions: ModelVersion[] = [];
  try {
    let token: string | undefined;
    do {
      const res = await api.searchModelVersions(`name=${quoteString(name)}`, token);
      versions.push(...(res.model_versions ?? []));
      token = res.next_page_token || undefined;
    } while (token);
  } catch (e) {
    replace(versionsBox, message('error', `Could not load versions: ${(e as Error).message}`));
    return;
  }
  versions.sort((a, b) => Number(b.version) - Number(a.version));
  // Source runs' latest metrics, for choosing what to promote (first 50 versions).
  const runs = new Map<string, Run>();
  await mapLimit(
    [
      ...new Set(
        versions
          .slice(0, 50)
          .map((v) => v.run_id)
          .filter((x): x is string => !!x),
      ),
    ],
    6,
    async (id) =>
      void (await api
        .getRun(id)
        .then((r) => runs.set(id, r.run))
        .catch(() => undefined)),
  );
  if (!ctx.alive()) return;

  let pointer: Pointer | null = null;
  async function refresh(): Promise<void> {
    let history: Deployment[] = [];
    try {
      const [dep, fresh] = await Promise.all([api.getDeployment(name), api.getRegisteredModel(name)]);
      model = fresh.registered_model;
      pointer = dep.pointer ?? null;
      history = dep.history ?? [];
    } catch (e) {
      pointer = null;
      replace(
        live,
        h('h2', { id: 's-live' }, 'At the edge'),
        message('error', `Could not read the pointer: ${(e as Error).message}`),
      );
      renderVersions();
      return;
    }
    if (!ctx.alive()) return;
    renderLive();
    renderVersions();
    renderHistory(history);
  }

  function renderLive(): void {
    const p = pointer;
    const optedIn = edgeOptedIn(model.tags);
    const toggle = h('input', { type: 'checkbox', id: 'edge-opt-in', checked: optedIn });
    toggle.addEventListener('change', async () => {
      toggle.checked = optedIn; // the dialog decides
      const ok = optedIn
        ? await confirmDialog(
            `Take ${name} off the edge?`,
            `Deletes tag ${EDGE_TAG}: the edge stops serving ${name}. Versions, stages and aliases stay as they are.`,
            'Take off the edge',
            recordedAs(),
          )
        : await confirmDialog(
            `Serve ${name} at the edge?`,
            `Sets tag ${EDGE_TAG}=${EDGE_TAG_ON}: alias “${PRODUCTION}” and stage Production then deploy its versions, and the version “${PRODUCTION}” names now (if any) is deployed.`,
            'Serve at the edge',
            recordedAs(),
          );
      if (!ok) return;
      await act(optedIn ? `Took ${name} off the edge.` : `${name} is served at the edge.`, () =>
        optedIn ? api.deleteRegisteredModelTag(name, EDGE_TAG) : api.setRegisteredModelTag(name, EDGE_TAG, EDGE_TAG_ON),
      );
    });
    const rollback = h(
      'button',
      { type: 'button', class: 'danger', id: 'rollback', disabled: !p?.previous },
      p?.previous ? `Roll back to version ${p.previous}` : 'Roll back',
    );
    rollback.addEventListener('click', async () => {
      if (!p?.previous) return;
      const ok = await confirmDialog(
        `Roll back ${name}?`,
        `The edge will stop serving version ${p.version} and serve version ${p.previous} again.`,
        `Roll back to version ${p.previous}`,
        recordedAs(),
      );
      if (ok) await act(`Rolled back ${name}.`, () => api.rollback(name));
    });
    replace(
      live,
      h('h2', { id: 's-live' }, 'At the edge'),
      p
        ? h(
            'dl',
            { class: 'overview' },
            h('div', null, h('dt', null, 'Live version'), h('dd', { id: 'live-version', class: 'big' }, p.version)),
            h('div', null, h('dt', null, 'Promoted'), h('dd', null, formatTime(p.promotedAt))),
            h('div', null, h('dt', null, 'Previous'), h('dd', null, p.previous ?? '—')),
            h(
              'div',
              null,
              h('dt', null, 'Canary'),
              h('dd', null, p.canary ? `version ${p.canary.version} at ${Math.round(p.canary.weight * 100)}%` : '—'),
            ),
            p.shadow ? h('div', null, h('dt', null, 'Shadow'), h('dd', null, `version ${p.shadow.version}`)) : null,
          )
        : h(
            'p',
            { id: 'live-version', class: 'msg' },
            optedIn
              ? 'Nothing is live at the edge: no version has been promoted.'
              : `Nothing is live at the edge: ${name} is not served there (tag ${EDGE_TAG}).`,
          ),
      h('div', { class: 'actions' }, h('label', null, toggle, ' Serve at the edge'), rollback),
    );
  }

  async function act(done: string, fn: () => Promise<unknown>): Promise<void> {
    actionStatus.setAttribute('role', 'status');
    actionStatus.className = 'action-status';
    actionStatus.textContent = 'Working…';
    try {
      await fn();
      await refresh();
      actionStatus.textContent = `${done} The edge now serves version ${pointer?.version ?? '—'}.`;
    } catch (e) {
      actionStatus.setAttribute('role', 'alert');
      actionStatus.className = 'action-status error';
      actionStatus.textContent = `Failed: ${(e as Error).message}`;
      await refresh().catch(() => undefined);
    }
  }

  function renderVersions(): void {
    if (!versions.length) {
      replace(
        versionsBox,
        message('empty', 'No versions yet.'),
        codeBlock("Python (MLflow's client)", pythonModelSnippet()),
      );
      return;
    }
    const metricKeys = [...new Set([...runs.values()].flatMap((r) => (r.data.metrics ?? []).map((m) => m.key)))]
      .sort()
      .slice(0, 4);
    // The registered model is re-read on every refresh, so its aliases are current; a version's own list may be stale.
    const aliasesOf = (v: ModelVersion) =>
      model.aliases ? model.aliases.filter((a) => a.version === v.version).map((a) => a.alias) : (v.aliases ?? []);
    replace(
      versionsBox,
      h(
        'table',
        { class: 'data', id: 'versions-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ...['Version', 'Registered', 'Source run', ...metricKeys, 'Stage', 'Aliases', 'Edge', ''].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          ...versions.map((v) => {
            const run = v.run_id ? runs.get(v.run_id) : undefined;
            const isLive = pointer?.version === v.version;
            const isCanary = pointer?.canary?.version === v.version;
            const promote = h(
              'button',
              { type: 'button', class: 'primary', 'data-version': v.version },
              `Promote v${v.version}`,
            );
            promote.addEventListener('click', async () => {
              const from = pointer ? `from version ${pointer.version} ` : '';
              const ok = await confirmDialog(
                `Promote ${name} version ${v.version}?`,
                `Sets alias “${PRODUCTION}” on version ${v.version}: the edge switches ${from}to version ${v.version}.`,
                `Promote version ${v.version}`,
                recordedAs(),
              );
              if (ok)
                await act(`Promoted ${name} version ${v.version}.`, () => api.setAlias(name, PRODUCTION, v.version));
            });
            return h(
              'tr',
              { 'data-version': v.version, class: isLive ? 'is-live' : undefined },
              h('td', null, v.version),
              h('td', null, formatTime(v.creation_timestamp)),
              h(
                'td',
                null,
                v.run_id
                  ? h('a', { href: href.run(v.run_id) }, run?.info.run_name || v.run_id.slice(0, 8))
                  : (v.source ?? ''),
              ),
              ...metricKeys.map((k) =>
                h('td', { class: 'num' }, formatNumber(run?.data.metrics?.find((m) => m.key === k)?.value)),
              ),
              h('td', null, v.current_stage ?? ''),
              h(
                'td',
                null,
                aliasesOf(v)
                  .map((a) => `@${a}`)
                  .join(' '),
              ),
              h(
                'td',
                null,
                isLive ? h('strong', { class: 'badge live-badge' }, 'live') : null,
                isCanary ? h('span', { class: 'badge' }, `canary ${Math.round(pointer!.canary!.weight * 100)}%`) : null,
              ),
              h('td', null, isLive || !edgeOptedIn(model.tags) ? null : promote),
            );
          }),
        ),
      ),
    );
  }

  function renderHistory(history: Deployment[]): void {
    if (!history.length) {
      replace(historyBox, message('empty', 'No promotions yet.'));
      return;
    }
    replace(
      historyBox,
      h(
        'table',
        { class: 'data', id: 'history-table' },
        h(
          'thead',
          null,
          h('tr', null, ...['When', 'What', 'From', 'To', 'Who'].map((t) => h('th', { scope: 'col' }, t))),
        ),
        h(
          'tbody',
          null,
          ...history.map((d) =>
            h(
              'tr',
              null,
              h('td', null, formatTime(d.created_at)),
              h('td', null, d.kind),
              h('td', null, d.from_version ?? '—'),
              h('td', null, d.to_version),
              h('td', null, d.actor ?? ''),
            ),
          ),
        ),
      ),
    );
  }

  await refresh();
};

/**
 * "Acting as": the name this browser records with promotions and rollbacks (there are no accounts),
 * remembered in localStorage and sent with every change the dashboard makes.
 */
function actingAsField(): HTMLElement {
  const input = h('input', {
    type: 'text',
    id: 'acting-as',
    maxlength: MAX_ACTOR_LENGTH,
    autocomplete: 'name',
    placeholder: 'your name',
    'aria-describedby': 'acting-as-hint',
  });
  input.value = getActor();
  input.addEventListener('input', () => setActor(input.value));
  input.addEventListener('change', () => (input.value = setActor(input.value)));
  return h(
    'div',
    { class: 'toolbar acting-as' },
    h('label', { for: 'acting-as' }, 'Acting as'),
    input,
    h(
      'span',
      { class: 'hint', id: 'acting-as-hint' },
      `Recorded with promotions and rollbacks; kept in this browser. Empty: recorded as “${DASHBOARD_ACTOR}”.`,
    ),
  );
}

/** The confirmation dialogs' note of who the deployment history will record. */
function recordedAs(): string {
  const name = getActor();
  return name
    ? `The deployment history will record this as done by “${name}”.`
    : `The deployment history will record this as done by “${DASHBOARD_ACTOR}”: set “Acting as” to name yourself.`;
}
