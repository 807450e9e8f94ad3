/**
 * A hash router small enough to read at once: `#/calls?caller=1001&sort=-billsec`. The hash keeps
 * the app working from file:// and app:// URLs and from the web mode's single page.
 */
import { shallowRef } from 'vue';

export const ROUTE_NAMES = ['calls', 'reports', 'alerts', 'rates', 'contacts', 'pbx', 'import'] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

export interface Route {
  name: RouteName;
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  const q = body.indexOf('?');
  const path = q >= 0 ? body.slice(0, q) : body;
  const query = new URLSearchParams(q >= 0 ? body.slice(q + 1) : '');
  const name = (ROUTE_NAMES as readonly string[]).includes(path) ? (path as RouteName) : 'calls';
  return { name, query };
}

export function hashFor(name: RouteName, query?: URLSearchParams): string {
  const text = query?.toString() ?? '';
  return `#/${name}${text ? `?${text}` : ''}`;
}

export const currentRoute = shallowRef<Route>(parseHash(window.location.hash));

function refreshFromLocation(): void {
  const next = parseHash(window.location.hash);
  const now = currentRoute.value;
  if (next.name !== now.name || next.query.toString() !== now.query.toString()) currentRoute.value = next;
}

/** Follows Back/Forward and hand-edited addresses. Returns the function that stops listening. */
export function startRouter(): () => void {
  refreshFromLocation();
  window.addEventListener('hashchange', refreshFromLocation);
  window.addEventListener('popstate', refreshFromLocation);
  return () => {
    window.removeEventListener('hashchange', refreshFromLocation);
    window.removeEventListener('popstate', refreshFromLocation);
  };
}

export function navigate(name: RouteName, query?: URLSearchParams, options: { replace?: boolean } = {}): void {
  const hash = hashFor(name, query);
  if (hash === window.location.hash) return;
  const url = `${window.location.pathname}${window.location.search}${hash}`;
  if (options.replace) window.history.replaceState(window.history.state, '', url);
  else window.history.pushState(window.history.state, '', url);
  refreshFromLocation();
}
