/** An export that cannot be written as asked (an unwritable folder, an archive that changed meanwhile). */
export class ExportError extends Error {
  override readonly name = 'ExportError';
}
