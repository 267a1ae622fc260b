import { useEffect, useState } from 'react';
import { parseCode } from '../lib/session-code';

// The app's routes. Other people link to them (printed QR codes, OBS scenes): keep them stable.
export type Route =
  | { name: 'home' }
  | { name: 'new-display' }
  | { name: 'display'; code: string }
  | { name: 'controller'; code: string }
  | { name: 'not-found' };

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'home' };
  if (path === '/display') return { name: 'new-display' };
  let m = /^\/display\/([^/]+)$/.exec(path);
  if (m) return codeRoute('display', m[1]);
  m = /^\/c\/([^/]+)$/.exec(path);
  if (m) return codeRoute('controller', m[1]);
  return { name: 'not-found' };
}

function codeRoute(name: 'display' | 'controller', raw: string): Route {
  const code = parseCode(decodeURIComponent(raw));
  return code ? { name, code } : { name: 'not-found' };
}

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => matchRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(matchRoute(location.pathname));
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}
