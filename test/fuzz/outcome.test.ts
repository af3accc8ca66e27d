/** The fuzz harness's rule for what counts as a clean error, and as one that says where. */
import { describe, expect, it } from 'vitest';
import { DamagedAndroidBackupError } from '../../src/formats/androidbackup/reader.js';
import { MalformedBackupError, NotABackupError } from '../../src/formats/errors.js';
import { classifyError } from '../../fuzz/outcome.js';

describe('classifyError', () => {
  it('a clean error says where: line:column, a byte, an archive entry, or it is about the whole file', () => {
    const positioned = (e: Error): boolean | undefined => classifyError(e, 'x.zip').positioned;
    expect(positioned(new MalformedBackupError('x.zip!sms.xml', 3, 7, 'bad'))).toBe(true);
    expect(positioned(new DamagedAndroidBackupError('x.zip', 'its compressed data is damaged near byte 210 of the file (invalid distance)'))).toBe(true);
    expect(positioned(new Error('x.zip!Takeout/Voice/a.html: inflates to more than its declared 15 bytes; refusing it'))).toBe(true);
    expect(positioned(new NotABackupError('x.zip', 'it has no messages', 'an Android backup with messages'))).toBe(true);
    expect(positioned(new Error('x.zip: its compressed data is damaged (invalid distance)'))).toBe(false);
  });

  it('an internal error, a multi-line message or one without the file name is a failure', () => {
    expect(classifyError(new TypeError('x'), 'x.zip').verdict).toBe('failure');
    expect(classifyError(new Error('x.zip: a\nb'), 'x.zip').verdict).toBe('failure');
    expect(classifyError(new Error('damaged'), 'x.zip').verdict).toBe('failure');
    expect(classifyError(new Error("x.zip: Cannot read properties of undefined (reading 'a')"), 'x.zip').verdict).toBe('failure');
  });
});
