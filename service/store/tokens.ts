import { createHash, randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { roles, type Actor, type Role } from './auth.ts';
import { StoreError } from './errors.ts';
import type { Readers, SqlParams } from './readers.ts';
import type { References } from './references.ts';
import { utcIso } from './sql.ts';
import type { Writer } from './writer.ts';

export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  dong: string | null;
  district: string | null;
  /** The city the token is limited to (code); null for every city. */
  city: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The tokens room: tokens are random, shown once, stored only as their SHA-256, revocable, with an
 * optional expiry; a token seen lately is not looked up again for 10 s (a revocation clears them).
 */
export class Tokens {
  constructor(
    private readonly writer: Writer,
    private readonly readers: Readers,
    private readonly references: References,
  ) {}

  private rows(sql: string, params?: SqlParams, connection?: DuckDBConnection) {
    return this.readers.rows(sql, params, connection);
  }

  /** Creates a token; the secret is returned once and only its SHA-256 is stored. */
  /**
   * Creates a token; the secret is returned once and only its SHA-256 is stored. `city` limits an
   * analyst, manager or admin to one city; for a dong's or district's token it says in which city
   * to find the name (서구 is a district of five cities), and the token is that city's either way.
   */
  async createToken(input: { role: Role; name: string; dong?: string; district?: string; city?: string; expiresAt?: Date }): Promise<TokenInfo & { token: string }> {
    if (!roles.includes(input.role)) throw new StoreError('invalid_input', `역할/role: ${roles.join(', ')}`);
    if (!input.name.trim()) throw new StoreError('invalid_input', '이름이 필요합니다 / name is required');
    const all = this.references.index;
    const cityFound = input.city === undefined ? undefined : all.resolveCity(input.city);
    if (input.city !== undefined && !cityFound) throw new StoreError('invalid_input', `등록되지 않은 시·도입니다 / unknown --city: ${input.city}`);
    const index = cityFound ? all.forCity(cityFound.code) : all;
    let dong: string | null = null;
    let district: string | null = null;
    let city: string | null = cityFound?.code ?? null;
    if (input.role === 'dong') {
      const found = input.dong ? index.resolveDong(input.dong) : undefined;
      if (found === 'ambiguous')
        throw new StoreError(
          'invalid_input',
          `'${input.dong}'은(는) 여러 곳에 있는 동 이름입니다. 구·시를 붙이거나(--city, '서구 갈마1동') 코드를 쓰세요 / '${input.dong}' names several dongs: add the district or --city, or use the code`,
        );
      if (!found) throw new StoreError('invalid_input', `동 토큰에는 등록된 --dong이 필요합니다 / a dong token needs a known --dong (${input.dong ?? '-'})`);
      dong = found.code;
      city = found.city;
    } else if (input.dong) throw new StoreError('invalid_input', '--dong은 dong 역할에만 씁니다 / --dong is only for the dong role');
    if (input.role === 'district') {
      const found = input.district ? index.resolveDistrict(input.district) : undefined;
      if (found === 'ambiguous')
        throw new StoreError(
          'invalid_input',
          `'${input.district}'은(는) 여러 시·도에 있는 구 이름입니다. --city를 주거나 구 코드를 쓰세요 / '${input.district}' is a district of several cities: give --city or the code`,
        );
      if (!found) throw new StoreError('invalid_input', `구 토큰에는 등록된 --district가 필요합니다 / a district token needs a known --district (${input.district ?? '-'})`);
      district = found.code;
      city = found.city;
    } else if (input.district) throw new StoreError('invalid_input', '--district는 district 역할에만 씁니다 / --district is only for the district role');
    const id = randomBytes(6).toString('hex');
    const token = `jachi_${id}_${randomBytes(32).toString('base64url')}`;
    const createdAt = new Date().toISOString();
    const expiresAt = input.expiresAt ? input.expiresAt.toISOString() : null;
    return this.writer.enqueue(async () => {
      await this.writer.connection.run(
        `INSERT INTO tokens (id, name, role, dong, district, city, hash, createdAt, expiresAt, revokedAt)
         VALUES ($id, $name, $role, $dong, $district, $city, $hash, $createdAt::TIMESTAMPTZ, $expiresAt::TIMESTAMPTZ, NULL)`,
        { id, name: input.name.trim(), role: input.role, dong, district, city, hash: sha256(token), createdAt, expiresAt },
      );
      return { id, name: input.name.trim(), role: input.role, dong, district, city, createdAt, expiresAt, revokedAt: null, token };
    });
  }

  async listTokens(): Promise<TokenInfo[]> {
    const found = await this.rows(
      `SELECT id, name, role, dong, district, city, ${utcIso('createdAt')} AS createdAt, ${utcIso('expiresAt')} AS expiresAt,
        ${utcIso('revokedAt')} AS revokedAt FROM tokens ORDER BY createdAt`,
    );
    return found.map((r) => ({
      id: r.id as string,
      name: r.name as string,
      role: r.role as Role,
      dong: (r.dong as string | null) ?? null,
      district: (r.district as string | null) ?? null,
      city: (r.city as string | null) ?? null,
      createdAt: r.createdAt as string,
      expiresAt: (r.expiresAt as string | null) ?? null,
      revokedAt: (r.revokedAt as string | null) ?? null,
    }));
  }

  /** Revokes a token by id; false when there is no such live token. */
  revokeToken(id: string): Promise<boolean> {
    return this.writer.enqueue(async () => {
      const found = await this.rows('SELECT count(*) AS n FROM tokens WHERE id = $id AND revokedAt IS NULL', { id }, this.writer.connection);
      if (Number(found[0]?.n) === 0) return false;
      await this.writer.connection.run('UPDATE tokens SET revokedAt = now() WHERE id = $id', { id });
      this.signedIn.clear();
      this.revocations += 1;
      return true;
    });
  }

  /**
   * Tokens seen lately, by hash, so a busy client is not looked up in the database at every request.
   * Kept 10 s; a revocation (the API's or the CLI's, both through this store) clears them at once.
   */
  private readonly signedIn = new Map<string, { actor: Actor; expiresAt: number | null; until: number }>();
  /** Counts revocations, so a lookup that was running during one does not cache what it read. */
  private revocations = 0;

  /** The actor a secret belongs to; 'expired' for an expired one; undefined for unknown or revoked. */
  async authenticate(secret: string): Promise<Actor | 'expired' | undefined> {
    const hash = sha256(secret);
    const now = Date.now();
    const seen = this.signedIn.get(hash);
    if (seen && seen.until > now) return seen.expiresAt !== null && seen.expiresAt <= now ? 'expired' : seen.actor;
    const revocations = this.revocations;
    const found = await this.rows(
      `SELECT id, name, role, dong, district, city, epoch_ms(expiresAt) AS expiresAt, (expiresAt IS NOT NULL AND expiresAt <= now()) AS expired
       FROM tokens WHERE hash = $hash AND revokedAt IS NULL`,
      { hash },
    );
    const t = found[0];
    if (!t) return undefined;
    if (t.expired) return 'expired';
    const dong = (t.dong as string | null) ?? null;
    const district = (t.district as string | null) ?? null;
    // A first-wave dong's or district's token has no city stored: it is its unit's.
    const city = (t.city as string | null) ?? ((dong ?? district) ? (this.references.index.cityOf((dong ?? district)!) ?? null) : null);
    const actor: Actor = { tokenId: t.id as string, name: t.name as string, role: t.role as Role, dong, district, city };
    if (revocations !== this.revocations) return actor;
    if (this.signedIn.size >= 10_000) this.signedIn.clear();
    this.signedIn.set(hash, { actor, expiresAt: t.expiresAt === null ? null : Number(t.expiresAt), until: now + 10_000 });
    return actor;
  }
}
