/** Web mode access token: handed over once in `?token=`, then kept for this tab only. */
export const TOKEN_STORAGE_KEY = 'ucm_token';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,256}$/;

/**
 * Takes the token from the address bar (and removes it from there, so it does not end up in
 * bookmarks, screenshots or the history), falling back to the one this tab already holds.
 */
export function takeToken(win: Pick<Window, 'location' | 'history' | 'sessionStorage'>): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null) {
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    if (TOKEN_SHAPE.test(fromUrl)) {
      win.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
      return fromUrl;
    }
  }
  const stored = win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  return stored !== null && TOKEN_SHAPE.test(stored) ? stored : null;
}
