import type { ReactNode } from 'react';

/** A labelled <select> over [value, label] pairs; `hideLabel` keeps the label for screen readers only. */
export function Choice(props: { label: string; hideLabel?: boolean; value: string; options: readonly (readonly [string, string])[]; onChange: (value: string) => void }): ReactNode {
  const { label, hideLabel, value, options, onChange } = props;
  return (
    <label>
      {hideLabel === true ? <span className="visually-hidden">{label}</span> : <>{label} </>}
      <select
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
        }}
      >
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}
