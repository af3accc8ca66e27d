/** The QKSMS fixture (test/fixtures/qksms/README.md). */
import path from 'node:path';

export const QKSMS_FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/qksms/backup-20240102030405.json');
