import type { Route } from './router.ts';

/** What a page gets: its container, navigation, and a place to register cleanup (timers). */
export interface PageContext {
  /** The page's own container (already in the document). */
  view: HTMLElement;
  /** Goes to another dashboard URL (pushState, or replaceState when `replace`). */
  navigate(url: string, replace?: boolean): void;
  /** Rewrites the current URL (page state such as a filter) without rendering again. */
  setUrl(url: string): void;
  /** Runs `fn` when the user leaves the page. */
  onLeave(fn: () => void): void;
  /** False once the user has left the page (stop async work). */
  alive(): boolean;
}

/** A page renderer. */
export type Page<R extends Route = Route> = (ctx: PageContext, route: R) => void | Promise<void>;
