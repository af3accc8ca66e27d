/** The Android packages whose backups hold messages and calls (a leaf module: format.ts loads it). */
export const TELEPHONY_PACKAGE = 'com.android.providers.telephony';
export const CALL_LOG_PACKAGE = 'com.android.calllogbackup';
