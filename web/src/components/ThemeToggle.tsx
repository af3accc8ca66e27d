import { useState, type ReactNode } from 'react';
import { applyTheme, nextTheme, storedTheme, type ThemeChoice } from '../theme';

const LABEL: Record<ThemeChoice, string> = { system: 'Theme: system', dark: 'Theme: dark', light: 'Theme: light' };
const ICON: Record<ThemeChoice, string> = { system: '◐', dark: '☾', light: '☀' };

export function ThemeToggle(): ReactNode {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={`${LABEL[choice]} (click to change)`}
      title={LABEL[choice]}
      onClick={() => {
        const n = nextTheme(choice);
        applyTheme(n);
        setChoice(n);
      }}
    >
      <span aria-hidden="true">{ICON[choice]}</span>
    </button>
  );
}
