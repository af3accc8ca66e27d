// Dark mode follows the system (prefers-color-scheme) unless the user picked one with the toggle;
// the choice is kept in localStorage and applied as <html data-theme>.

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'textvault.theme';

export function storedTheme(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') {
    localStorage.removeItem(KEY);
    delete document.documentElement.dataset.theme;
  } else {
    localStorage.setItem(KEY, choice);
    document.documentElement.dataset.theme = choice;
  }
}

export function applyStoredTheme(): void {
  applyTheme(storedTheme());
}

export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return choice === 'system' ? 'dark' : choice === 'dark' ? 'light' : 'system';
}
