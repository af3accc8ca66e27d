/**
 * What the exports offer, apart from the exporters themselves so that listing the choices (the
 * command line's options, the API's validation) loads none of them. The list is the format
 * descriptors' writers (src/formats/formats.ts).
 */
export { EXPORT_FORMATS, isExportFormat, WRITERS, type ExportFormat, type WriterId } from '../../formats/formats.js';

/** SBR export: records per file unless asked otherwise (0 = one file). */
export const DEFAULT_SPLIT = 5_000;
