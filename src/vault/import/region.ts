/**
 * Picks the region used to normalise numbers without a country code. It is fixed per vault: set
 * by the user, or inferred once from the first backup that carries country codes and then stored,
 * so that every later import normalises the same way (dedup depends on it).
 */
import type { BackupUnit } from '../../formats/backup-unit.js';
import type { Vault } from '../vault.js';
import { formatRegion, inferRegion, parseRegion, type Region } from '../phone.js';
import { countNoun } from '../../formats/plural.js';

export interface RegionChoice {
  region: Region;
  /** How the region was chosen, for the import summary. */
  source: 'configured' | 'inferred' | 'default';
  explanation: string;
  /** Set when the choice must be stored with the import (inside its transaction). */
  persist?: { region: string; source: 'inferred' | 'default' };
}

const SNIFF_BYTES = 4 << 20;
// XML attributes (SBR), JSON members (SMS Import/Export, Fossify; `data1` of sms-ie contacts)
// and vCard TEL lines holding a number with a country code.
const NUMBER_ATTR = /(?:\s(?:address|number)=["']|"(?:address|number|data1)"\s*:\s*"|\bTEL[^:\r\n]*:(?:tel:)?)(\+[^"'~;\r\n]{6,20})/g;
// SMS Backup+ mail headers holding the number.
const NUMBER_HEADER = /^X-smssync-address:[ \t]*(\+[^\r\n]{6,20})/gim;
const FALLBACK = 'US';

export async function chooseRegion(vault: Vault, entry: BackupUnit): Promise<RegionChoice> {
  const configuredRegion = await vault.config.region();
  if (configuredRegion !== undefined) {
    const configured = formatRegion(configuredRegion);
    const how = (await vault.config.get('region.source')) ?? 'configured';
    return {
      region: configuredRegion,
      source: how === 'inferred' ? 'inferred' : 'configured',
      explanation:
        how === 'inferred'
          ? `region ${configured} (inferred earlier; change with: textvault config set region XX)`
          : `region ${configured} (configured)`,
    };
  }
  const head = await entry.sampleText(SNIFF_BYTES);
  const exported = entry.format === 'textvault-ndjson' ? regionOfExport(head) : undefined;
  if (exported !== undefined) {
    const name = formatRegion(exported);
    return {
      persist: { region: name, source: 'inferred' },
      region: exported,
      source: 'inferred',
      explanation: `region ${name}, the region of the vault this export came from; change with: textvault config set region XX`,
    };
  }
  const numbers = [...Array.from(head.matchAll(NUMBER_ATTR), (m) => m[1] ?? ''), ...Array.from(head.matchAll(NUMBER_HEADER), (m) => (m[1] ?? '').trim())];
  const inferred = inferRegion(numbers);
  const region = inferred?.region ?? parseRegion(FALLBACK);
  const name = formatRegion(region);
  return {
    persist: { region: name, source: inferred ? 'inferred' : 'default' },
    region,
    source: inferred ? 'inferred' : 'default',
    explanation: inferred
      ? `assumed region ${name} for numbers without a country code (inferred from ${countNoun(inferred.evidence, 'number')} with one); change with: textvault config set region XX`
      : `assumed region ${name} for numbers without a country code (no number with one found); change with: textvault config set region XX`,
  };
}

/** The region a Textvault NDJSON export's header names, when it names a valid one. */
function regionOfExport(head: string): Region | undefined {
  const firstLine = head.replace(/^\uFEFF/, '').split('\n', 1)[0] ?? '';
  try {
    const header = JSON.parse(firstLine) as { region?: unknown };
    return typeof header.region === 'string' ? parseRegion(header.region) : undefined;
  } catch {
    return undefined;
  }
}
