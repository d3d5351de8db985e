import { X509Certificate } from 'node:crypto';
import { decodeAttestationObject } from '@simplewebauthn/server/helpers';

/**
 * Whether a new passkey is shown to live in hardware the operator trusts (EAP ACR Values 1.0
 * `phrh`): its attestation statement (WebAuthn L3 §6.5) carries a certificate chain (`x5c`, full
 * attestation: §8.2 packed, §8.3 TPM, §8.4 Android Key, §8.8 Apple…) that leads to one of the
 * operator's trust anchors (§13.4.3: the relying party decides whom to trust; typically a
 * vendor's attestation root from the FIDO Metadata Service). @simplewebauthn/server has already
 * checked the statement's signature with the chain's first certificate; this checks the chain
 * itself, with node:crypto, against our anchors only (the library's own root store is global to the
 * process and holds vendors' roots we did not choose).
 */

export type TrustAnchors = readonly X509Certificate[];

export function trustAnchorsOf(pems: readonly string[]): TrustAnchors {
  return pems.map((pem) => new X509Certificate(pem));
}

const validAt = (certificate: X509Certificate, now: number) => Date.parse(certificate.validFrom) <= now && now <= Date.parse(certificate.validTo);

/** `child` was signed by `parent` (names match and the signature verifies). */
const issuedBy = (child: X509Certificate, parent: X509Certificate) => child.checkIssued(parent) && child.verify(parent.publicKey);

/**
 * True when the attestation's x5c chain, leaf first, leads to one of `anchors`: each certificate
 * valid at `now`, each signed by the next (intermediates must be CAs), the last by an anchor.
 * False for attestation `none`, self attestation (no x5c), a chain to anyone else, or garbage.
 */
export function attestedByAnchors(attestationObject: Uint8Array, anchors: TrustAnchors, now: number): boolean {
  if (anchors.length === 0) return false;
  let chain: X509Certificate[];
  try {
    const x5c = decodeAttestationObject(new Uint8Array(attestationObject)).get('attStmt').get('x5c');
    if (!Array.isArray(x5c) || x5c.length === 0) return false;
    chain = x5c.map((der) => new X509Certificate(der));
  } catch {
    return false;
  }
  for (let i = 0; i < chain.length; i += 1) {
    const certificate = chain[i]!;
    if (!validAt(certificate, now) || (i > 0 && !certificate.ca)) return false;
    if (anchors.some((anchor) => validAt(anchor, now) && issuedBy(certificate, anchor))) return true;
    const next = chain[i + 1];
    if (!next || !issuedBy(certificate, next)) return false;
  }
  return false;
}
