import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { type PublicSealKey, SEAL_ALGORITHM, type SignedDocument, sealDocument } from "./seal.ts";
import {
  generateSm2KeyPair,
  type Sm2PublicPoint,
  sm2PrivateScalar,
  sm2PublicPointFromPem,
  sm2PublicPointOf,
} from "./sm2.ts";

/**
 * For local use only: the passphrase a development keyring encrypts its private keys with. It is public (it is
 * in the repository), so keys made with it are marked `development` and production refuses them.
 */
export const DEVELOPMENT_SEAL_PASSPHRASE = "gov-platform-development-only-seal-passphrase";

const FILE_FORMAT = "gov-seal-key/1";
const DEPARTMENT = /^[0-9A-Za-z_-]{1,64}$/;

/** One key file: `<directory>/<department>/<keyId>.json`, mode 0600. */
interface KeyFile extends PublicSealKey {
  format: typeof FILE_FORMAT;
  /** Encrypted with the published development passphrase: never accepted in production. */
  development: boolean;
  /** Encrypted PKCS#8 PEM (PBES2, AES-256-CBC), readable by `openssl pkey -passin`. */
  privateKey: string;
}

export interface KeyringOptions {
  /** Folder of the key files; created (mode 0700) when missing. Keep it out of the event store and backups of it. */
  directory: string;
  /** Encrypts the private keys at rest. `DEVELOPMENT_SEAL_PASSPHRASE` makes a development keyring. */
  passphrase: string;
  /** `"production"` refuses the development passphrase and every development key file found. */
  nodeEnv?: string;
}

export class KeyringError extends Error {
  override name = "KeyringError";
}

/** The SPKI fingerprint that names a key: `sm2-` and the first 16 hex digits of SHA-256 over its DER. */
export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  return `sm2-${createHash("sha256").update(der).digest("hex").slice(0, 16)}`;
}

function isoOrThrow(at: string, what: string): string {
  if (Number.isNaN(Date.parse(at))) throw new KeyringError(`${what} is not an ISO instant: ${at}`);
  return new Date(at).toISOString();
}

/**
 * Each department's seal keys in a folder of files, outside the event store. The first seal of a department
 * makes its key; `rotate` retires the key in use and makes a new one, and the retired public key keeps
 * verifying what it sealed. Several processes may share the folder: files are only ever created whole
 * (exclusive create, or write-then-rename).
 */
export class FileKeyring {
  readonly directory: string;
  readonly development: boolean;
  readonly #passphrase: string;
  readonly #production: boolean;
  readonly #files = new Map<string, { version: string; key: KeyFile }>();
  readonly #scalars = new Map<string, { d: bigint; point: Sm2PublicPoint }>();

  private constructor(options: KeyringOptions) {
    this.directory = options.directory;
    this.#passphrase = options.passphrase;
    this.development = options.passphrase === DEVELOPMENT_SEAL_PASSPHRASE;
    this.#production = options.nodeEnv === "production";
  }

  /** Opens (or creates) the keyring; refuses a development keyring in production. */
  static open(options: KeyringOptions): FileKeyring {
    if (options.passphrase.length === 0) throw new KeyringError("the seal keyring needs a passphrase");
    const keyring = new FileKeyring(options);
    if (keyring.#production && keyring.development) {
      throw new KeyringError("the development seal passphrase is published; production needs its own");
    }
    mkdirSync(options.directory, { recursive: true, mode: 0o700 });
    keyring.#allKeys(); // reads every file now, so a bad one is found at start-up
    return keyring;
  }

  /** Every department's public keys, retired ones included: what `verify` needs. */
  publicKeys(department?: string): PublicSealKey[] {
    const keys = department === undefined ? this.#allKeys() : this.#keysOf(department);
    return keys.map(publicPart);
  }

  /** The department's key in use, if it has one. */
  activeKey(department: string): PublicSealKey | undefined {
    const key = this.#active(department);
    return key && publicPart(key);
  }

  /** The department's key in use, made now (created at `at`) when it has none. */
  ensureKey(department: string, at: string): PublicSealKey {
    return publicPart(this.#active(department) ?? this.#create(department, isoOrThrow(at, "at")));
  }

  /**
   * Makes a new key for the department, in use from `at`, and retires the previous one at the same instant.
   * The new key is written before the old one is retired, so a crash between leaves two keys, never none.
   */
  rotate(department: string, at: string): { active: PublicSealKey; retired: PublicSealKey | undefined } {
    const when = isoOrThrow(at, "at");
    const previous = this.#active(department);
    if (previous && Date.parse(when) <= Date.parse(previous.createdAt)) {
      throw new KeyringError(`rotation at ${when} is not after key ${previous.keyId} was created`);
    }
    const active = this.#create(department, when);
    let retired: KeyFile | undefined;
    for (const key of this.#keysOf(department)) {
      if (key.keyId !== active.keyId && key.retiredAt === null) {
        retired = { ...key, retiredAt: when };
        this.#write(retired, false);
      }
    }
    return { active: publicPart(active), retired: retired && publicPart(retired) };
  }

  /** Seals `document` in the department's name at `signedAt` (made with its first key if it has none yet). */
  sign<T>(department: string, document: T, signedAt: string): SignedDocument<T> {
    const at = isoOrThrow(signedAt, "signedAt");
    const key = this.#active(department) ?? this.#create(department, at);
    const { d, point } = this.#scalar(key);
    return sealDocument(
      document,
      { algorithm: SEAL_ALGORITHM, keyId: key.keyId, department, signedAt: at },
      d,
      point,
    );
  }

  #scalar(key: KeyFile): { d: bigint; point: Sm2PublicPoint } {
    let scalar = this.#scalars.get(key.keyId);
    if (scalar === undefined) {
      try {
        const d = sm2PrivateScalar(createPrivateKey({ key: key.privateKey, passphrase: this.#passphrase }));
        scalar = { d, point: sm2PublicPointFromPem(key.publicKey) };
      } catch (error) {
        throw new KeyringError(
          `cannot open seal key ${key.keyId}: wrong passphrase? (${(error as Error).message})`,
        );
      }
      this.#scalars.set(key.keyId, scalar);
    }
    return scalar;
  }

  #active(department: string): KeyFile | undefined {
    const inUse = this.#keysOf(department).filter((k) => k.retiredAt === null);
    // Two keys in use only after a crash mid-rotation or two processes' first seals at once: the newest wins.
    return inUse.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.keyId.localeCompare(a.keyId))[0];
  }

  #create(department: string, createdAt: string): KeyFile {
    checkDepartment(department);
    const { privateKey, publicKey } = generateSm2KeyPair();
    const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const key: KeyFile = {
      format: FILE_FORMAT,
      keyId: keyIdOf(publicPem),
      department,
      algorithm: SEAL_ALGORITHM,
      publicKey: publicPem,
      createdAt,
      retiredAt: null,
      development: this.development,
      privateKey: privateKey
        .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: this.#passphrase })
        .toString(),
    };
    mkdirSync(join(this.directory, department), { recursive: true, mode: 0o700 });
    this.#write(key, true);
    this.#scalars.set(key.keyId, { d: sm2PrivateScalar(privateKey), point: sm2PublicPointOf(publicKey) });
    return key;
  }

  #write(key: KeyFile, create: boolean): void {
    const path = join(this.directory, key.department, `${key.keyId}.json`);
    // Written whole to a temporary file first, so a crash mid-write never leaves a torn key file under its real
    // name: a new key is linked into place (fails if the name exists, as "wx" would), a changed one renamed.
    const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
    const fd = openSync(temp, "wx", 0o600);
    try {
      writeSync(fd, `${JSON.stringify(key, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temp, 0o600); // the umask may have narrowed it further, never widened it; make it exact
    if (create) {
      try {
        linkSync(temp, path);
      } finally {
        unlinkSync(temp);
      }
    } else {
      renameSync(temp, path);
    }
    this.#files.set(path, { version: versionOf(statSync(path)), key });
  }

  #allKeys(): KeyFile[] {
    return readdirSync(this.directory, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && DEPARTMENT.test(entry.name))
      .flatMap((entry) => this.#keysOf(entry.name));
  }

  #keysOf(department: string): KeyFile[] {
    checkDepartment(department);
    const folder = join(this.directory, department);
    let names: string[];
    try {
      names = readdirSync(folder).filter((name) => name.endsWith(".json"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return names.map((name) => this.#read(join(folder, name), department));
  }

  #read(path: string, department: string): KeyFile {
    const stat = statSync(path);
    const cached = this.#files.get(path);
    if (cached && cached.version === versionOf(stat)) return cached.key;
    if ((stat.mode & 0o077) !== 0) {
      throw new KeyringError(
        `seal key file ${path} is readable by others (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`,
      );
    }
    let key: KeyFile;
    try {
      key = JSON.parse(readFileSync(path, "utf8")) as KeyFile;
    } catch {
      throw new KeyringError(`seal key file ${path} is not JSON`);
    }
    if (key.format !== FILE_FORMAT || key.department !== department || key.algorithm !== SEAL_ALGORITHM) {
      throw new KeyringError(`seal key file ${path} is not a ${FILE_FORMAT} key of ${department}`);
    }
    if (keyIdOf(key.publicKey) !== key.keyId) {
      throw new KeyringError(`seal key file ${path}: keyId does not match its public key`);
    }
    if (this.#production && key.development) {
      throw new KeyringError(`seal key ${key.keyId} is a development key; production refuses it`);
    }
    this.#files.set(path, { version: versionOf(stat), key });
    return key;
  }
}

/** A file replaced by rename has another inode, so a rewrite within one clock tick is still seen. */
function versionOf(stat: Stats): string {
  return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
}

function checkDepartment(department: string): void {
  if (!DEPARTMENT.test(department)) {
    throw new KeyringError(`department code ${JSON.stringify(department)} is not 1–64 of [0-9A-Za-z_-]`);
  }
}

function publicPart(key: KeyFile): PublicSealKey {
  return {
    keyId: key.keyId,
    department: key.department,
    algorithm: key.algorithm,
    publicKey: key.publicKey,
    createdAt: key.createdAt,
    retiredAt: key.retiredAt,
  };
}
