/**
 * Writes the selection as `textvault.ndjson` (docs/ndjson-schema.md) with its media beside it in
 * `media/<sha256>`, streaming. Media files are written first, each atomically, and the NDJSON file
 * is renamed into place last: a complete `textvault.ndjson` always has its media next to it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConversationView } from '../../formats/export-view.js';
import { MEDIA_DIR } from '../../formats/ndjson/schema.js';
import { callLine, contactLine, headerLine, messageLine } from '../../formats/ndjson/writer.js';
import { formatRegion } from '../phone.js';
import type { Vault } from '../vault.js';
import { throttled, type ExportProgress, type ExportResult } from './export-result.js';
import { BatchedWriter, copyAtomically, prepareOutDir, writeAtomically } from './output.js';
import { exportScope } from './export-scope.js';
import type { ExportKind, ExportSelection } from './selection.js';

export const NDJSON_FILE = 'textvault.ndjson';
const GENERATOR = 'textvault 0.1.0';

export interface NdjsonExportOptions extends ExportProgress {
  outDir: string;
  /** The export's time (header); defaults to now. */
  now?: Date;
}

export async function exportNdjson(vault: Vault, selection: ExportSelection, options: NdjsonExportOptions): Promise<ExportResult> {
  const { sel, archive, views, messageTotal, callTotal } = await exportScope(vault, selection);
  prepareOutDir(options.outDir);
  const region = await vault.config.region();
  const progress = throttled(options.onProgress, messageTotal + callTotal);
  const result: ExportResult = { format: 'ndjson', files: [], messages: messageTotal, calls: callTotal, warnings: [] };
  const conversations = new Map<number, ConversationView>(views.conversations(sel).map((c) => [c.id, c]));
  // People are few next to messages: their addresses are kept to write their names at the end.
  const people = new Set<string>();
  for (const c of conversations.values()) for (const m of c.members) people.add(m.address);
  const mediaDir = path.join(options.outDir, MEDIA_DIR);
  let mediaFiles = 0;
  let mediaBytes = 0;

  const copyMedia = async (sha256: string): Promise<void> => {
    const target = path.join(mediaDir, sha256);
    if (fs.existsSync(target)) return;
    try {
      mediaBytes += await copyAtomically(vault.blobs.openRead(sha256) as AsyncIterable<Buffer>, target);
      mediaFiles++;
    } catch (e) {
      result.warnings.push(`media ${sha256} could not be read (${(e as Error).message}); the NDJSON names it but ${MEDIA_DIR}/ lacks it`);
    }
  };

  const file = path.join(options.outDir, NDJSON_FILE);
  const bytes = await writeAtomically(file, async (file) => {
    const out = new BatchedWriter(file);
    await out.add(headerLine((options.now ?? new Date()).getTime(), region === undefined ? undefined : formatRegion(region), GENERATOR));
    for (const e of archive.entries(sel)) {
      if (e.record.kind === 'mms') {
        for (const p of e.record.parts) if (p.media) await copyMedia(p.media.sha256);
      }
      const wait = out.add(
        messageLine(e.record, {
          dateMs: e.dateMs,
          direction: e.direction,
          text: e.text,
          conversationId: e.conversationId,
          participants: conversations.get(e.conversationId)?.members ?? [],
        }),
      );
      if (wait) await wait;
      progress.tick();
    }
    for (const c of archive.callEntries(sel)) {
      if (c.numberNorm !== '') people.add(c.numberNorm);
      const wait = out.add(callLine(c.record, views.callView(c)));
      if (wait) await wait;
      progress.tick();
    }
    // The whole archive: every contact (address-book entries without messages too); a selection:
    // the names of the people in it.
    const whole = isWholeArchive(selection);
    // Contacts grow with people, not messages: read at once.
    const contacts = await vault.db.selectFrom('contacts').select(['address_norm', 'name', 'photo_sha256']).orderBy('address_norm').execute();
    for (const c of contacts) {
      if (!whole && !people.has(c.address_norm)) continue;
      let photo: { sha256: string; size: number } | undefined;
      if (c.photo_sha256 !== null) {
        await copyMedia(c.photo_sha256);
        photo = { sha256: c.photo_sha256, size: fs.statSync(path.join(mediaDir, c.photo_sha256), { throwIfNoEntry: false })?.size ?? 0 };
      }
      await out.add(contactLine(c.address_norm, c.name, photo));
    }
    await out.flush();
  });
  result.files.push({ path: file, kind: 'ndjson', records: messageTotal + callTotal, bytes });
  if (mediaFiles > 0) result.files.push({ path: mediaDir, kind: 'media', records: mediaFiles, bytes: mediaBytes });
  progress.done();
  return result;
}

function isWholeArchive(s: ExportSelection): boolean {
  return s.contact === undefined && s.conversationId === undefined && s.since === undefined && s.until === undefined && ['sms', 'mms', 'calls'].every((k) => s.kinds.has(k as ExportKind));
}
