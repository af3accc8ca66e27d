/** Google Voice from a Google Takeout (ZIP or folder): the descriptor (format.ts); the reader is unit.ts. */
import type { OpenedBackup } from '../backup-unit.js';
import { defineFormat, type Sniffed } from '../format.js';
import { isVoiceFolder, isVoicePage } from './takeout.js';

/** A Takeout ZIP holding Voice: a `Voice/Calls/*.html` entry whose content is a Voice page. */
export function isGoogleVoiceZip(s: Sniffed): boolean {
  return s.container === 'zip' && s.zipVoiceHead !== undefined && isVoicePage(s.zipVoiceHead);
}

export const googleVoiceFormat = defineFormat({
  id: 'googlevoice',
  label: 'Google Voice from a Google Takeout (the Takeout ZIP, or its extracted folder)',
  recognisedBy:
    'a ZIP with a `Voice/Calls/*.html` entry that is a Voice page (`<div class="hChatLog hfeed">` or `<div class="haudio">`); a folder holding `Calls/` with such pages (`Takeout/`, `Takeout/Voice/` or the folder above)',
  carries: ['sms', 'mms', 'calls'],
  cannot:
    'voicemail and call recordings (the audio files; a voicemail is a call with its transcript), thread ids, delivery state, `date_sent`, SIM; a conversation with only your own messages names its other party only by the name in its title',
  recognise: isGoogleVoiceZip,
  recogniseFolder: isVoiceFolder,
  folderLabel: 'a Google Takeout folder with Voice (Takeout/Voice/Calls/)',
  open: async (file, options): Promise<OpenedBackup> => ({ format: 'googlevoice', units: [await (await import('./unit.js')).googleVoiceUnit(file, options.limits)], dispose: () => undefined }),
  worker: true,
});
