import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for connection secrets at rest. Stored form: `v1:<keyId>:<iv>:<tag>:<ciphertext>`
 * (base64url parts); keyId is a short hash of the key, so after a rotation values encrypted with
 * a previous key (SECRETS_KEY_PREVIOUS) still decrypt and can be re-encrypted with the current one.
 */
export class SecretBox {
  private readonly current: { id: string; key: Buffer };
  private readonly keys: Map<string, Buffer>;

  constructor(currentKeyBase64: string, previousKeysBase64: string[] = []) {
    const all = [currentKeyBase64, ...previousKeysBase64.filter(Boolean)].map((k) => {
      const key = Buffer.from(k.trim(), 'base64');
      if (key.length !== 32) throw new Error('secrets key must be 32 bytes, base64 encoded');
      return { id: keyId(key), key };
    });
    this.current = all[0]!;
    this.keys = new Map(all.map((k) => [k.id, k.key]));
  }

  static fromEnv(env: { SECRETS_KEY: string; SECRETS_KEY_PREVIOUS?: string }): SecretBox {
    return new SecretBox(env.SECRETS_KEY, (env.SECRETS_KEY_PREVIOUS ?? '').split(',').filter(Boolean));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      'v1',
      this.current.id,
      iv.toString('base64url'),
      tag.toString('base64url'),
      data.toString('base64url'),
    ].join(':');
  }

  decrypt(stored: string): string {
    const [version, id, iv, tag, data] = stored.split(':');
    if (version !== 'v1' || !id || !iv || !tag || data === undefined)
      throw new Error('malformed encrypted secret');
    const key = this.keys.get(id);
    if (!key)
      throw new Error(
        'secret was encrypted with a key that is not configured (SECRETS_KEY / SECRETS_KEY_PREVIOUS)',
      );
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** true when the value was encrypted with an older key and should be re-encrypted */
  needsRotation(stored: string): boolean {
    return stored.split(':')[1] !== this.current.id;
  }
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}
