// The JSON shapes of the Textvault HTTP API (docs/api.md). Times are epoch milliseconds.

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Session {
  username: string;
  csrfToken: string;
}

export interface Member {
  address: string;
  name: string | null;
}

export interface ConversationItem {
  id: number;
  title: string;
  members: Member[];
  isGroup: boolean;
  lastDate: number | null;
  snippet: string | null;
  messageCount: number;
  unread: number | boolean;
}

export interface Conversation {
  id: number;
  title: string;
  members: Member[];
  isGroup: boolean;
  messageCount: number;
  firstDate: number | null;
  lastDate: number | null;
}

export type PartKind = 'image' | 'video' | 'audio' | 'vcard' | 'text' | 'other';

export interface Part {
  id: number;
  contentType: string;
  name: string | null;
  size: number | null;
  url: string;
  kind: PartKind;
  text: string | null;
  damaged: string | null;
}

export interface Message {
  id: number;
  kind: 'sms' | 'mms';
  date: number;
  dateSent: number | null;
  direction: 'in' | 'out' | 'unknown';
  status: string | null;
  read: boolean | null;
  sender: Member | null;
  body: string | null;
  subject: string | null;
  parts: Part[];
}

export interface MessagePage {
  items: Message[];
  prevCursor: string | null;
  nextCursor: string | null;
}

export interface SearchHit {
  messageId: number;
  conversationId: number;
  conversationTitle: string;
  date: number;
  direction: 'in' | 'out' | 'unknown';
  sender: Member | null;
  snippet: string;
}

export interface SearchPage extends Page<SearchHit> {
  total: number;
  totalIsLowerBound: boolean;
}

export type CallType = 'incoming' | 'outgoing' | 'missed' | 'voicemail' | 'rejected' | 'blocked' | 'unknown';

export interface Call {
  id: number;
  date: number;
  number: string;
  name: string | null;
  type: CallType;
  durationS: number;
}

export interface Summary {
  sms: number;
  mms: number;
  calls: number;
  conversations: number;
  contacts: number;
  firstDate: number | null;
  lastDate: number | null;
  backups: number;
}

export interface MonthStat {
  month: string;
  sent: number;
  received: number;
  /** Every message of the month (sent, received, unknown direction). */
  messages: number;
  calls: number;
  callMinutes: number;
}

/** A run of empty months between messages: "YYYY-MM" to "YYYY-MM". */
export interface MonthGap {
  from: string;
  to: string;
  months: number;
}

export interface MonthlyStats {
  /** Every month from the first to the last message or call, empty ones included. */
  months: MonthStat[];
  gaps: MonthGap[];
  /** How many empty months in a row make a gap. */
  longGapMonths: number;
}

export interface TopContact {
  address: string;
  name: string | null;
  messages: number;
  callSeconds: number;
}

export interface ActivityCell {
  weekday: number;
  hour: number;
  count: number;
}

/** GET /api/snapshots/status: the vault's own backups (textvault snapshot). */
export interface SnapshotHealth {
  state: 'ok' | 'never' | 'stale' | 'failing';
  message: string | null;
  last: {
    id: string;
    at: string;
    to: string;
    encrypted: boolean;
    bytes: number;
    addedBytes: number;
    counts: { messages: number; calls: number; blobs: number };
  } | null;
  lastError: { at: string; to: string; message: string } | null;
  /** Snapshots are scheduled (textvault snapshot schedule): only then is an overdue or failed one an alert. */
  scheduled: boolean;
  /** The alert to show in the banner, or null. */
  alert: string | null;
  /** A folder is set for snapshots, so "Snapshot now" can take one. */
  canRunNow: boolean;
}

export interface BackupRun {
  id: number;
  file: string;
  format: string;
  status: string;
  startedAt: number;
  endedAt: number | null;
  read: number;
  new: number;
  duplicate: number;
  updated: number;
  rejected: number;
  warnings: number;
}

export interface VerifyProblem {
  kind: string;
  message: string;
}

export interface Job {
  id: number | string;
  kind: 'import' | 'verify' | 'export' | 'snapshot';
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  /** Epoch ms or an ISO string (the server sends ISO); not shown. */
  createdAt: number | string;
  startedAt: number | string | null;
  endedAt: number | string | null;
  /** `expanded`: an import's bytes after decompression (see docs/api.md). */
  progress: { done: number; total: number | null; unit: 'bytes' | 'blobs' | 'records' | 'files'; expanded?: number };
  file: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
  /** Why a failed job failed, when the client can act on it: the upload is encrypted (passphrase_required) or its password is wrong (wrong_passphrase). */
  errorCode?: string | null;
  /** A cancel was asked for; the job stops at its next step. */
  cancelRequested?: boolean;
  /** POST /api/jobs/:id/retry can run it again. */
  retryable?: boolean;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

export interface SourceHealth {
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  nextRunAt: string | null;
  newestMessageAt: string | null;
  lastDeliveryAt: string | null;
}

export interface Source {
  id: number;
  name: string;
  kind: 'folder' | 'imap' | 'upload';
  config: Record<string, unknown>;
  schedule: string;
  expectedIntervalMs: number;
  enabled: boolean;
  createdAt: string;
  health: SourceHealth;
}

export interface Alert {
  id: number;
  sourceId: number;
  sourceName: string;
  /** stale: no new backup for longer than expected; folder: the watched folder is missing or unreadable. */
  kind: 'stale' | 'folder';
  message: string;
  raisedAt: string;
  clearedAt: string | null;
}

export interface VaultStatus {
  sources: Source[];
  alerts: Alert[];
  deletedOnPhone: number;
}

export interface ApiToken {
  id: number;
  name: string;
  sourceId: number;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** GET /api/formats: what uploads may be and what exports write (the server's format descriptors). */
export interface Formats {
  imports: { id: string; label: string; carries: string[] }[];
  exports: { id: string; label: string }[];
}
