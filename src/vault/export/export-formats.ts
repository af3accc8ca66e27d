/**
 * What the exports offer, apart from the exporters themselves so that listing the choices (the
 * command line's options, the API's validation) loads none of them.
 */
export type ExportFormat = 'sbr' | 'sms-ie' | 'fossify' | 'csv' | 'ndjson' | 'html' | 'pdf';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['sbr', 'sms-ie', 'fossify', 'csv', 'ndjson', 'html', 'pdf'];

/** SBR export: records per file unless asked otherwise (0 = one file). */
export const DEFAULT_SPLIT = 5_000;
