/**
 * Table shapes as Kysely sees them. One source of truth for every query in the vault; the SQL
 * dialect (SQLite now, PostgreSQL later) only changes how these are created, never how they are used.
 */
import type { Generated } from 'kysely';

export interface BackupsTable {
  id: Generated<number>;
  source_path: string;
  file_name: string;
  format: string;
  /** `messages` or `calls`. */
  content: string;
  file_size: number;
  file_sha256: string;
  started_at: number;
  ended_at: number;
  /** `complete`, or `partial` when `--salvage` kept what came before damage. */
  status: string;
  read_count: number;
  new_count: number;
  duplicate_count: number;
  updated_count: number;
  rejected_count: number;
  warning_count: number;
  /** Region used to normalise numbers without a country code, and whether it was inferred. */
  region: string;
  /** Root attributes and creator comment as JSON, e.g. backup_set, backup_date, type. */
  header_json: string;
  /** `backup_date` of the file (ms), 0 when the file had none. */
  backup_date: number;
  /** First warnings and the salvage reason, JSON array of strings. */
  notes_json: string;
}

export interface ConversationsTable {
  id: Generated<number>;
  /** Sorted normalised participant addresses joined by a space: the conversation's identity. */
  participants_key: string;
  is_group: number;
}

export interface ConversationMembersTable {
  conversation_id: number;
  address_norm: string;
  position: number;
}

export interface MessagesTable {
  id: Generated<number>;
  kind: 'sms' | 'mms';
  conversation_id: number;
  date_ms: number;
  date_sent_ms: number | null;
  /** `in`, `out`, or `unknown` when the backup did not say. */
  direction: string;
  /** SMS `type` or MMS `msg_box`, null when absent or not numeric. */
  box: number | null;
  /** Raw `address` attribute as the backup had it. */
  address: string | null;
  /** SMS body, or the text parts of an MMS joined with newlines. */
  body: string | null;
  read: number | null;
  /** Ordered [name, value] attribute pairs as JSON: the lossless record. */
  attrs: string;
  /** MMS only: 1 when the backup had an `<addrs>` element. */
  has_addrs: number;
  /** The identity: unique (index messages_strict_key, migration 0010). */
  strict_key: Buffer;
  /** MMS: sorted media hashes (see identity.mediaSignature), for option-based matching. */
  media_signature: string | null;
  first_backup_id: number;
  last_backup_id: number;
  /**
   * MMS: hash of the whole record (attributes, parts and addresses), equal means nothing changed;
   * empty for SMS, which are compared by their attributes (migration 0008).
   */
  content_hash: Buffer;
  /** `backup_date` of the backup whose copy is stored, for newest-wins state updates. */
  state_date: number;
  /** identity.progressRank of the stored copy. */
  rank: number;
}

export interface MmsPartsTable {
  id: Generated<number>;
  message_id: number;
  position: number;
  attrs: string;
  content_type: string | null;
  blob_sha256: string | null;
  size: number | null;
  /** `empty` or `corrupt` when the backup's data could not be stored as clean bytes. */
  damage: string | null;
  /** A short damaged `data` value, kept verbatim. */
  raw_data: string | null;
}

export interface MmsAddrsTable {
  message_id: number;
  position: number;
  attrs: string;
  address: string | null;
  address_norm: string | null;
  type: number | null;
}

export interface CallsTable {
  id: Generated<number>;
  number: string | null;
  number_norm: string;
  date_ms: number;
  duration_s: number | null;
  type: number | null;
  attrs: string;
  strict_key: Buffer;
  state_date: number;
  first_backup_id: number;
  last_backup_id: number;
}

export interface ContactsTable {
  address_norm: string;
  name: string;
  /** `backup_date` of the backup that named this contact, so newer names win. */
  named_at: number;
  /** SHA-256 of the contact's photo in the blob store (from a vCard or sms-ie contacts file). */
  photo_sha256: string | null;
}

export interface BlobsTable {
  sha256: string;
  size: number;
  created_at: number;
}

/** Aggregates kept across restarts (migration 0018, vault/queries/snapshot.ts). */
export interface AggregateCacheTable {
  key: string;
  stamp: string;
  value: string;
}

/** Points between records of an imported file, for the next import of it (migration 0017). */
export interface BodyCheckpointsTable {
  backup_id: number;
  offset: number;
  sha256: string;
  lines: number;
  column_no: number;
  settings: string;
  read: number;
  rejected: number;
  sms: number;
  mms: number;
  calls: number;
}

/** The gallery's index of listed MMS parts, kept by triggers (migration 0019). */
export interface GalleryItemsTable {
  part_id: number;
  message_id: number;
  conversation_id: number;
  date_ms: number;
  /** message-view.ts PartKind without `text`: image, video, audio, vcard, other. */
  kind: string;
}

/** Media made from an original for the browser (migration 0016, vault/media/derived-media.ts). */
export interface DerivedMediaTable {
  source_sha256: string;
  /** `view`, `thumb-160`, `thumb-320`. */
  variant: string;
  status: 'ok' | 'original' | 'failed' | 'none';
  /** The derived blob (status ok). */
  sha256: string | null;
  size: number | null;
  content_type: string | null;
  error: string | null;
  created_at: number;
}

export interface ConfigTable {
  key: string;
  value: string;
}

/** Which vault source delivered a backup (migration 0004). */
export interface BackupSourcesTable {
  backup_id: number;
  /** `source:<id>` of the control database's sources table. */
  source_key: string;
  /** 1 when the backup holds everything the phone had (see docs/sources.md). */
  full: number;
}

/** A message a later full backup from the same source no longer had (migration 0004). */
export interface PhoneDeletionsTable {
  message_id: number;
  source_key: string;
  /** backup_date (or import time) of the first full backup without it. */
  since_ms: number;
  backup_id: number;
}

/** Where an IMAP import of one folder stopped (migration 0006). */
export interface ImapSyncStateTable {
  source: string;
  folder: string;
  /** UIDVALIDITY as decimal text (it is an unsigned 32-bit value; text keeps it exact everywhere). */
  uid_validity: string;
  last_uid: number;
  updated_at: number;
}

export interface Schema {
  backups: BackupsTable;
  conversations: ConversationsTable;
  conversation_members: ConversationMembersTable;
  messages: MessagesTable;
  mms_parts: MmsPartsTable;
  mms_addrs: MmsAddrsTable;
  calls: CallsTable;
  contacts: ContactsTable;
  blobs: BlobsTable;
  derived_media: DerivedMediaTable;
  body_checkpoints: BodyCheckpointsTable;
  aggregate_cache: AggregateCacheTable;
  gallery_items: GalleryItemsTable;
  config: ConfigTable;
  backup_sources: BackupSourcesTable;
  phone_deletions: PhoneDeletionsTable;
  imap_sync_state: ImapSyncStateTable;
}
