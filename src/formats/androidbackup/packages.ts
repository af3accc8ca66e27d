/** The package whose backup holds the messages (a leaf module: format.ts loads it through helium.ts). */
export const TELEPHONY_PACKAGE = 'com.android.providers.telephony';
