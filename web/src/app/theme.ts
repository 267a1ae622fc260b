import { createElement, useEffect, useState } from 'react';
import { safeStorage } from '../lib/identity';

export type ThemeChoice = 'system' | 'dark' | 'light';
const KEY = 'marquee.theme';

/** The colour scheme: the system's unless the person chose; set as data-theme on <html>. */
export function useTheme(): [ThemeChoice, (t: ThemeChoice) => void] {
  const [theme, setTheme] = useState<ThemeChoice>(
    () => (safeStorage('local')?.getItem(KEY) as ThemeChoice | null) ?? 'system',
  );
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') root.removeAttribute('data-theme');
    else root.setAttribute('data-theme', theme);
    safeStorage('local')?.setItem(KEY, theme);
  }, [theme]);
  return [theme, setTheme];
}

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'dark', dark: 'light', light: 'system' };
const LABEL: Record<ThemeChoice, string> = { system: 'Theme: system', dark: 'Theme: dark', light: 'Theme: light' };

/** Cycles system, dark, light; says which is in force. */
export function ThemeSwitch() {
  const [theme, setTheme] = useTheme();
  return createElement(
    'button',
    {
      type: 'button',
      className: 'ghost theme-switch',
      onClick: () => setTheme(NEXT[theme]),
      title: 'Change the colour scheme',
      'data-testid': 'theme-switch',
    },
    LABEL[theme],
  );
}
