/** docs/formats.md's table is generated from the format descriptors: this fails when it is out of date. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC, renderFormatsTable, withCurrentTable } from '../../scripts/formats-doc.js';
import { ALL_FORMATS } from '../../src/formats/formats.js';

describe('docs/formats.md', () => {
  it('has the table generated from every format descriptor (npm run docs:formats)', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    expect(doc).toContain(renderFormatsTable());
    expect(withCurrentTable(doc)).toBe(doc);
  });

  it('lists every descriptor, one row each', () => {
    const table = renderFormatsTable();
    for (const f of ALL_FORMATS) expect(table).toContain(`| ${f.label.replace(/\|/g, '\\|')} |`);
    expect(table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| format'))).toHaveLength(ALL_FORMATS.length);
  });

  it('goes out of date when a descriptor changes', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    const stale = doc.replace(renderFormatsTable(), renderFormatsTable().replace('| --- |', '| --- | --- |'));
    expect(withCurrentTable(stale)).not.toBe(stale);
  });
});
