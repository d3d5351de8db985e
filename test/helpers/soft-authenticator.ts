import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { encodeCbor, type Cbor } from './cbor.ts';

/**
 * A software WebAuthn authenticator for tests: real ES256 keys (node:crypto, P-256), real
 * authenticator data (WebAuthn L3 §6.1: rpIdHash, flags UP/UV/BE/BS/AT, a 32-bit counter,
 * attested credential data with a COSE_Key), a real CBOR attestation object of format `none`
 * (§8.7) — or `packed` full attestation (§8.2) signed by a vendor's batch key with its x5c chain,
 * for a security key (attestation-ca.ts) — and real assertion signatures over authenticatorData ‖ SHA-256(clientDataJSON) (§6.3.3).
 * Each option lets a test break one thing at a time: the origin, the RP ID, UV, the counter.
 */
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest();

export interface SoftCredential {
  id: string;
  privateKey: KeyObject;
  /** The counter the next assertion will carry (then it goes up by one). */
  counter: number;
  userHandle: string;
}

export interface CeremonyOverrides {
  /** The page's origin as the browser would report it (default: the authenticator's). */
  origin?: string;
  /** The RP ID whose hash goes into authenticatorData (default: the options' rpId). */
  rpId?: string;
  /** User verification done (default true). */
  userVerified?: boolean;
  /** This assertion's counter (default: the credential's next). */
  counter?: number;
  /** Which credential answers (default: the first the options allow that this authenticator holds). */
  credentialId?: string;
  /** The challenge the browser signs (default: the options'). */
  challenge?: string;
  /** Registration: make the new credential under this id (a malicious or broken authenticator reusing one). */
  reuseCredentialId?: string;
}

export interface SoftAuthenticatorOptions {
  origin: string;
  backupEligible?: boolean;
  backupState?: boolean;
  /** Start each new credential's counter here (0: an authenticator that keeps none, if `counterStep` is 0 too). */
  counterStart?: number;
  counterStep?: number;
  /** A security key's vendor: registrations answer with `packed` attestation by its batch key and chain. */
  attestation?: { chain: Buffer[]; attestationKey: KeyObject };
}

function flags(userVerified: boolean, options: SoftAuthenticatorOptions, attested: boolean): number {
  return FLAG_UP | (userVerified ? FLAG_UV : 0) | (options.backupEligible ? FLAG_BE : 0) | (options.backupState ? FLAG_BS : 0) | (attested ? FLAG_AT : 0);
}

function counterBytes(counter: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(counter);
  return bytes;
}

function coseKeyOf(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  // COSE_Key (RFC 9053 §7.1.1): kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y.
  return encodeCbor(new Map<number, number | Uint8Array>([
    [1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')],
  ]));
}

export function createSoftAuthenticator(options: SoftAuthenticatorOptions) {
  const credentials: SoftCredential[] = [];

  const clientData = (type: string, challenge: string, origin: string) => JSON.stringify({ type, challenge, origin, crossOrigin: false });

  /** §8.2 packed, full attestation: alg ES256, the batch key's signature over authData ‖ SHA-256(clientDataJSON), x5c; or none's empty map. */
  const attestationStatement = (authData: Buffer, clientDataJSON: string): Map<Cbor, Cbor> => {
    if (!options.attestation) return new Map();
    const sig = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), options.attestation.attestationKey);
    return new Map<Cbor, Cbor>([['alg', -7], ['sig', sig], ['x5c', options.attestation.chain]]);
  };

  return {
    credentials,

    /** navigator.credentials.create(): a new ES256 key, attestation `none`. */
    register(request: PublicKeyCredentialCreationOptionsJSON, overrides: CeremonyOverrides = {}): RegistrationResponseJSON {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const id = overrides.reuseCredentialId ? Buffer.from(overrides.reuseCredentialId, 'base64url') : randomBytes(32);
      const counter = options.counterStart ?? 0;
      const rpId = overrides.rpId ?? request.rp.id!;
      const authData = Buffer.concat([
        sha256(rpId), Uint8Array.of(flags(overrides.userVerified ?? true, options, true)), counterBytes(counter),
        Buffer.alloc(16), Uint8Array.of(id.length >> 8, id.length & 0xff), id, coseKeyOf(publicKey),
      ]);
      const clientDataJSON = clientData('webauthn.create', overrides.challenge ?? request.challenge, overrides.origin ?? options.origin);
      const attestationObject = encodeCbor(new Map<Cbor, Cbor>([
        ['fmt', options.attestation ? 'packed' : 'none'], ['attStmt', attestationStatement(authData, clientDataJSON)], ['authData', authData],
      ]));
      credentials.push({ id: b64url(id), privateKey, counter: counter + (options.counterStep ?? 1), userHandle: request.user.id });
      return {
        id: b64url(id),
        rawId: b64url(id),
        type: 'public-key',
        response: {
          clientDataJSON: b64url(clientDataJSON),
          attestationObject: b64url(attestationObject),
          transports: ['internal', 'hybrid'],
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },

    /** navigator.credentials.get(): a signature by one of the allowed credentials this authenticator holds. */
    authenticate(request: PublicKeyCredentialRequestOptionsJSON, overrides: CeremonyOverrides = {}): AuthenticationResponseJSON {
      const allowed = new Set((request.allowCredentials ?? []).map((descriptor) => descriptor.id));
      const credential = overrides.credentialId
        ? credentials.find((candidate) => candidate.id === overrides.credentialId)
        : credentials.find((candidate) => allowed.size === 0 || allowed.has(candidate.id));
      if (!credential) throw new Error('the soft authenticator holds no allowed credential');
      const counter = overrides.counter ?? credential.counter;
      credential.counter = counter + (options.counterStep ?? 1);
      const authData = Buffer.concat([
        sha256(overrides.rpId ?? request.rpId!), Uint8Array.of(flags(overrides.userVerified ?? true, options, false)), counterBytes(counter),
      ]);
      const clientDataJSON = clientData('webauthn.get', overrides.challenge ?? request.challenge, overrides.origin ?? options.origin);
      const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: credential.userHandle },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
  };
}

export type SoftAuthenticator = ReturnType<typeof createSoftAuthenticator>;
