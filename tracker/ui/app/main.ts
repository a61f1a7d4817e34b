import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { h, message, replace } from './dom.ts';
import type { PageContext } from './page.ts';
import { comparePage } from './pages/compare.ts';
import { experimentsPage } from './pages/experiments.ts';
import { modelPage, modelsPage } from './pages/models.ts';
import { runPage } from './pages/run.ts';
import { runsPage } from './pages/runs.ts';
import { href, parseRoute, type Route } from './router.ts';

const main = document.getElementById('main')!;
let leaveCurrent: (() => void) | null = null;

function navigate(url: string, replaceState = false): void {
  if (replaceState) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render(!replaceState);
}

function render(moveFocus: boolean): void {
  leaveCurrent?.();
  const route = parseRoute(location.pathname, location.search);
  const view = h('div', { class: 'view' });
  replace(main, view);
  let alive = true;
  const cleanups: (() => void)[] = [];
  leaveCurrent = () => {
    alive = false;
    for (const fn of cleanups) fn();
  };
  const ctx: PageContext = {
    view,
    navigate,
    setUrl: (url) => history.replaceState(null, '', url),
    onLeave: (fn) => cleanups.push(fn),
    alive: () => alive,
  };
  for (const a of document.querySelectorAll<HTMLAnchorElement>('.top-nav a')) {
    const current = (a.dataset.section === 'models') === (route.page === 'models' || route.page === 'model');
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  Promise.resolve(dispatch(ctx, route))
    .catch((e: unknown) => {
      if (alive) view.append(message('error', `Something went wrong: ${(e as Error).message}`));
    })
    .finally(() => {
      if (!alive) return;
      main.setAttribute('aria-busy', 'false');
      if (moveFocus) view.querySelector<HTMLElement>('h1')?.focus();
    });
  main.setAttribute('aria-busy', 'true');
}

function dispatch(ctx: PageContext, route: Route): void | Promise<void> {
  switch (route.page) {
    case 'experiments':
      return experimentsPage(ctx, route);
    case 'runs':
      return runsPage(ctx, route);
    case 'run':
      return runPage(ctx, route);
    case 'compare':
      return comparePage(ctx, route);
    case 'models':
      return modelsPage(ctx, route);
    case 'model':
      return modelPage(ctx, route);
    case 'not-found':
      document.title = 'Not found · edgeflow';
      ctx.view.append(
        h('h1', { tabindex: -1 }, 'Page not found'),
        h(
          'p',
          null,
          'Nothing lives at ',
          h('code', null, route.path),
          '. ',
          h('a', { href: href.experiments() }, 'Go to experiments'),
          '.',
        ),
      );
  }
}

// Internal links navigate without a reload; modified clicks (new tab etc.) keep the browser's behaviour.
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element).closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => render(true));

render(false);
