import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecryptionError, decryptSsef, encryptSsef, parseSsefHeader } from '../../../src/formats/smsie/ssef.js';
import { tempDir } from '../../helpers/temp.js';

// Small Argon2id parameters keep the tests fast; the format stores them, so decryption follows.
const FAST = { timeCost: 1, memoryKiB: 64, chunkSize: 1000 };

function setup(size = 4500): { dir: string; plain: string; enc: string; data: Buffer } {
  const dir = tempDir();
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7) & 0xff;
  const plain = path.join(dir, 'plain');
  fs.writeFileSync(plain, data);
  return { dir, plain, enc: path.join(dir, 'messages.zip.ssef'), data };
}

describe('SMS Import/Export encryption (.ssef)', () => {
  it('writes the documented header and decrypts back to the same bytes', async () => {
    const { dir, plain, enc, data } = setup();
    await encryptSsef(plain, enc, 'correct horse', FAST);
    const bytes = fs.readFileSync(enc);
    expect(bytes.subarray(0, 6)).toEqual(Buffer.from([0x53, 0x53, 0x45, 0x46, 0x00, 0xff]));
    expect(bytes.readUInt16BE(6)).toBe(1);
    const h = parseSsefHeader(enc, bytes);
    expect(h).toMatchObject({ timeCost: 1, memoryKiB: 64, chunkSize: 1000 });
    // 36-byte header + 24-byte stream header + 5 chunks of (plaintext + 17).
    expect(bytes.length).toBe(36 + 24 + 4500 + 5 * 17);
    const out = path.join(dir, 'out');
    await decryptSsef(enc, out, 'correct horse');
    expect(fs.readFileSync(out)).toEqual(data);
  });

  it('a wrong passphrase fails clearly and leaves no output', async () => {
    const { dir, plain, enc } = setup();
    await encryptSsef(plain, enc, 'correct horse', FAST);
    const out = path.join(dir, 'out');
    await expect(decryptSsef(enc, out, 'wrong')).rejects.toThrow(/wrong passphrase/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a flipped bit, a dropped chunk or a cut-off file is refused', async () => {
    const { dir, plain, enc } = setup();
    await encryptSsef(plain, enc, 'pw', FAST);
    const good = fs.readFileSync(enc);
    const out = path.join(dir, 'out');
    const tampered = Buffer.from(good);
    const at = 36 + 24 + 1017 + 5;
    tampered.writeUInt8(tampered.readUInt8(at) ^ 1, at);
    fs.writeFileSync(enc, tampered);
    await expect(decryptSsef(enc, out, 'pw')).rejects.toThrow(/chunk 2 failed authentication: the file was altered/);
    // Cut at a chunk boundary: every chunk left is authentic, but the FINAL one is missing.
    fs.writeFileSync(enc, good.subarray(0, 36 + 24 + 2 * 1017));
    await expect(decryptSsef(enc, out, 'pw')).rejects.toThrow(/truncated \(its final chunk is missing\)/);
    fs.writeFileSync(enc, Buffer.concat([good.subarray(0, 36 + 24 + 1017), good.subarray(36 + 24 + 2 * 1017)]));
    await expect(decryptSsef(enc, out, 'pw')).rejects.toBeInstanceOf(DecryptionError);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses headers whose parameters would exhaust the machine', async () => {
    const { dir, plain, enc } = setup(10);
    await encryptSsef(plain, enc, 'pw', FAST);
    const bytes = fs.readFileSync(enc);
    bytes.writeUInt32BE(0xffffffff, 12);
    fs.writeFileSync(enc, bytes);
    await expect(decryptSsef(enc, path.join(dir, 'o'), 'pw')).rejects.toThrow(/implausible key-derivation parameters/);
  });
});
