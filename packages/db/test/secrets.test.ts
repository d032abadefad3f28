import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { SecretBox } from '../src/secrets';

describe('SecretBox (AES-256-GCM at rest)', () => {
  const k1 = randomBytes(32).toString('base64');
  const k2 = randomBytes(32).toString('base64');

  it('round-trips and never stores the plain text', () => {
    const box = new SecretBox(k1);
    const stored = box.encrypt('s3cret-pässword');
    expect(stored).to.not.include('s3cret');
    expect(stored.startsWith('v1:')).to.equal(true);
    expect(box.decrypt(stored)).to.equal('s3cret-pässword');
    expect(box.encrypt('x')).to.not.equal(box.encrypt('x')); // random IV
  });

  it('decrypts values of a previous key after a rotation and flags them for re-encryption', () => {
    const old = new SecretBox(k1).encrypt('token');
    const rotated = new SecretBox(k2, [k1]);
    expect(rotated.decrypt(old)).to.equal('token');
    expect(rotated.needsRotation(old)).to.equal(true);
    expect(rotated.needsRotation(rotated.encrypt('token'))).to.equal(false);
  });

  it('refuses a tampered value and an unknown key', () => {
    const box = new SecretBox(k1);
    const stored = box.encrypt('token');
    const parts = stored.split(':');
    parts[4] = Buffer.from('forged').toString('base64url');
    expect(() => box.decrypt(parts.join(':'))).to.throw();
    expect(() => new SecretBox(k2).decrypt(stored)).to.throw(/not configured/);
    expect(() => new SecretBox('c2hvcnQ=')).to.throw(/32 bytes/);
  });
});
