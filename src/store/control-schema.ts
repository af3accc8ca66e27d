/**
 * Tables of the vault's control database (`control.db`): jobs, sources, device tokens, alerts,
 * web app accounts and their sessions.
 *
 * They live in their own SQLite file, not in the archive, because an import holds the archive's
 * write lock for its whole run (one transaction per backup). Jobs, progress, source health and
 * tokens must stay writable during an import, and a job queued while an import runs must never
 * be part of (and rolled back with) that import's transaction.
 */
import type { Generated } from 'kysely';

export interface JobsTable {
  id: Generated<number>;
  /** `import`, `verify` or `export`. */
  kind: string;
  /** `queued`, `running`, `done`, `failed` or `cancelled`. */
  status: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  progress_done: number;
  progress_total: number | null;
  /** `bytes`, `blobs` or `records`. */
  progress_unit: string;
  /** Import jobs: bytes decompressed so far (null before a job reports any). */
  progress_expanded: number | null;
  file: string | null;
  /** What the job was asked to do besides `file` (deleteAfter, sourceId, originalName), JSON. */
  params_json: string;
  result_json: string | null;
  error: string | null;
  /** How many times a run was started; a job killed again and again is failed, not looped. */
  attempts: number;
  /** The process running it: a `running` job whose process is gone was interrupted. */
  runner_pid: number | null;
  /** Set by `cancel` for a job another process runs: that process polls it and stops the job. */
  cancel_requested_at: number | null;
}

/**
 * An import job's passphrase while the job waits (one row per job, deleted when it ends): sealed
 * under the vault's secret key with the purpose `job.<id>.passphrase`, so it opens for that job only.
 */
export interface JobSecretsTable {
  job_id: number;
  sealed_passphrase: string;
  created_at: number;
}

export interface SourcesTable {
  id: Generated<number>;
  name: string;
  /** `folder`, `imap` or `upload` (a device that sends its backups with an API token). */
  kind: string;
  /** Kind-specific settings as JSON (folder path, settle time, after-import action, ...). */
  config_json: string;
  /** `continuous`, `hourly`, `daily`, `weekly` or a cron expression. */
  schedule: string;
  /** Alert when nothing new has arrived for longer than this (ms). */
  expected_interval_ms: number;
  enabled: number;
  created_at: number;
  last_run_at: number | null;
  last_success_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  /** Newest message date (ms) any backup from this source delivered. */
  newest_message_ms: number | null;
  /** When this source last delivered a backup that was not already in the vault. */
  last_delivery_at: number | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  /** SHA-256 (hex) of the token; the token itself is shown once and never stored. */
  token_sha256: string;
  /** The `upload` source whose health this device's uploads feed. */
  source_id: number;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AlertsTable {
  id: Generated<number>;
  source_id: number;
  /** `stale`: nothing new for longer than expected. */
  kind: string;
  message: string;
  raised_at: number;
  cleared_at: number | null;
  /** Set once every configured notifier was tried, so an alert notifies once. */
  notified_at: number | null;
}

export interface RejectedFilesTable {
  id: Generated<number>;
  source_id: number;
  /** Where the file is now (inside the source's rejected/ folder). */
  path: string;
  original_name: string;
  reason: string;
  rejected_at: number;
}

/** What a watched folder has already handled, so a restart does not queue a file twice. */
export interface FolderFilesTable {
  source_id: number;
  path: string;
  size: number;
  mtime_ms: number;
  job_id: number | null;
  handled_at: number;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  /** `scrypt$N$r$p$salt$hash` (base64), parameters kept so they can be raised later. */
  password_hash: string;
  created_at: number;
  updated_at: number;
  /** `admin` (manages accounts, never reads their messages) or `user`. */
  role: Generated<string>;
  /** Set while the account may not sign in; its sessions and its archive's tokens are refused. */
  disabled_at: number | null;
  /** For single sign-on's link by verified e-mail (when the admin allows it). */
  email: string | null;
}

/** An archive: a vault folder, `.` (the server's own) or `archives/<id>` (docs/architecture.md). */
export interface ArchivesTable {
  id: Generated<number>;
  owner_id: number | null;
  dir: string;
  created_at: number;
}

/** A read-only share of an archive with another account. */
export interface SharesTable {
  archive_id: number;
  user_id: number;
  created_at: number;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  /** The archive this session looks at (its own when null). */
  archive_id: number | null;
}

/** A provider's account (issuer, sub) signed in as a Textvault user (single sign-on). */
export interface OidcIdentitiesTable {
  issuer: string;
  sub: string;
  user_id: number;
  created_at: number;
}

/** A single sign-on login between the redirect to the provider and its callback; taken once. */
export interface OidcLoginsTable {
  /** SHA-256 (hex) of the `state` parameter, which the browser also holds in a cookie. */
  state_hash: string;
  nonce: string;
  /** PKCE: the verifier whose S256 challenge went to the provider. */
  code_verifier: string;
  /** The redirect URI the provider was given; the token request must name the same. */
  redirect_uri: string;
  created_at: number;
  expires_at: number;
}

export interface ControlSchema {
  jobs: JobsTable;
  job_secrets: JobSecretsTable;
  sources: SourcesTable;
  api_tokens: ApiTokensTable;
  alerts: AlertsTable;
  rejected_files: RejectedFilesTable;
  folder_files: FolderFilesTable;
  users: UsersTable;
  sessions: SessionsTable;
  archives: ArchivesTable;
  shares: SharesTable;
  oidc_identities: OidcIdentitiesTable;
  oidc_logins: OidcLoginsTable;
}
